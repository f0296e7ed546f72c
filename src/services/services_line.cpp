#include "services/services_line.hpp"

#include "services/line_text.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace portent::services {

namespace {

// A word that a services(5) line holds as one field.
bool is_field(std::string_view text)
{
    return !text.empty() &&
           std::ranges::none_of(text, [](char c) { return is_space(c) || c == '#' || c == '\0'; });
}

} // namespace

bool fits_services_line(const Entry& entry)
{
    return entry.has_port() && is_field(entry.name()) && is_field(entry.protocol()) &&
           !entry.protocol().starts_with('/') && std::ranges::all_of(entry.aliases(), is_field);
}

void append_services_line(std::string& text, const Entry& entry, std::uint16_t port)
{
    const std::size_t start = text.size();
    text += entry.name();
    if (text.size() - start < 21)
        text.append(21 - (text.size() - start), ' ');
    text += ' ';
    char digits[8];
    text.append(digits, std::to_chars(std::begin(digits), std::end(digits), port).ptr);
    text += '/';
    text += entry.protocol();
    for (const std::string_view alias : entry.aliases()) {
        text += ' ';
        text += alias;
    }
    text += '\n';
}

} // namespace portent::services
