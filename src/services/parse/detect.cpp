// Which format a text is in, from its first record: what --db-format need not say.
#include "services/parse.hpp"

#include "services/parse/iana_csv.hpp"
#include "services/parse/line_reader.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <string>

namespace portent::services {

namespace {

using parsing::iana_columns;
using parsing::read_decimal;
using util::trim;

// The first line of `text` that is neither blank nor a comment, trimmed: the one that decides
// the format.
std::optional<std::string_view> deciding_line(std::string_view text)
{
    while (!text.empty()) {
        const std::size_t newline = text.find('\n');
        const std::string_view content = trim(text.substr(0, newline));
        if (!content.empty() && !content.starts_with('#'))
            return content;
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    }
    return std::nullopt;
}

} // namespace

bool enough_to_detect_format(std::string_view prefix)
{
    if (prefix.size() >= format_detection_size)
        return true;
    // Whole lines only: the last one may go on past the prefix.
    const std::size_t whole = prefix.rfind('\n');
    return whole != std::string_view::npos && deciding_line(prefix.substr(0, whole));
}

Format detect_format(std::string_view text)
{
    const std::optional<std::string_view> content = deciding_line(text.substr(0, format_detection_size));
    if (!content)
        return Format::services;
    // Commas in a services(5) comment do not make a CSV row.
    const std::string_view data = content->substr(0, content->find('#'));
    if (content->starts_with("Service Name,Port Number") ||
        std::count(data.begin(), data.end(), ',') >= static_cast<long>(iana_columns - 1))
        return Format::iana_csv;
    std::string_view rest = *content;
    next_token(rest);
    const std::string_view port = next_token(rest);
    const std::string_view frequency = next_token(rest);
    double value = 0;
    const bool nmap_like = port.find('/') != std::string_view::npos &&
                           frequency.find('.') != std::string_view::npos && read_decimal(frequency, value);
    return nmap_like ? Format::nmap : Format::services;
}

std::optional<std::string> format_mismatch(std::string_view text, Format format)
{
    const std::optional<std::string_view> content = deciding_line(text.substr(0, format_detection_size));
    const bool csv = detect_format(text) == Format::iana_csv;
    if (!content || csv == (format == Format::iana_csv))
        return std::nullopt;
    if (csv)
        return "its first record is a row of the IANA CSV (read it with --db-format iana-csv)";
    const auto fields = 1 + std::count(content->begin(), content->end(), ',');
    return "its first record is not a CSV row of " + std::to_string(iana_columns) + " fields but " +
           (fields == 1 ? std::string("a line without commas")
                        : "one of " + std::to_string(fields) + " fields");
}

} // namespace portent::services
