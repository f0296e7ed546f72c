#include "cli/completion_hosts.hpp"

#include "services/source.hpp"
#include "util/ascii.hpp"

#include <range/v3/action/sort.hpp>
#include <range/v3/action/unique.hpp>
#include <range/v3/range/conversion.hpp>
#include <range/v3/view/concat.hpp>

#include <algorithm>
#include <cstdlib>

namespace portent::cli {

namespace {

constexpr std::string_view blanks = " \t\r";

// The line's fields up to a '#', split on blanks.
std::vector<std::string_view> fields_of(std::string_view line)
{
    return util::split_words(line.substr(0, line.find('#')), blanks);
}

template <typename Handle> void for_each_line(std::string_view text, Handle&& handle)
{
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        handle(fields_of(text.substr(0, end)));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
}

// A name a shell can take as it is: no control characters, blanks or quotes.
bool plain(std::string_view name)
{
    return !name.empty() && std::ranges::none_of(name, [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= ' ' || byte == 0x7F || c == '\'' || c == '"' || c == '\\';
    });
}

std::string read_or_empty(const std::string& path)
{
    try {
        return services::read_file(path);
    } catch (const services::SourceError&) {
        return {};
    }
}

} // namespace

std::vector<std::string> hosts_file_names(std::string_view text)
{
    std::vector<std::string> names;
    for_each_line(text, [&](const std::vector<std::string_view>& fields) {
        for (std::size_t index = 1; index < fields.size(); ++index)
            if (plain(fields[index]))
                names.emplace_back(fields[index]);
    });
    return names;
}

std::vector<std::string> known_hosts_names(std::string_view text)
{
    std::vector<std::string> names;
    for_each_line(text, [&](const std::vector<std::string_view>& fields) {
        std::size_t field = 0;
        if (!fields.empty() && fields[0].starts_with('@'))
            field = 1;
        if (field >= fields.size() || fields[field].starts_with('|'))
            return;
        std::string_view hosts = fields[field];
        while (!hosts.empty()) {
            const std::size_t comma = std::min(hosts.find(','), hosts.size());
            std::string_view name = hosts.substr(0, comma);
            hosts.remove_prefix(std::min(comma + 1, hosts.size()));
            if (name.starts_with('[') && name.find("]:") != std::string_view::npos)
                name = name.substr(1, name.find("]:") - 1);
            if (plain(name) && name.find_first_of("*?!") == std::string_view::npos)
                names.emplace_back(name);
        }
    });
    return names;
}

std::vector<std::string> completion_hosts()
{
    const char* home = std::getenv("HOME");
    const bool has_home = home != nullptr && *home != '\0';
    const std::vector<std::string> hosts = hosts_file_names(read_or_empty("/etc/hosts"));
    const std::vector<std::string> known =
        has_home ? known_hosts_names(read_or_empty(std::string(home) + "/.ssh/known_hosts"))
                 : std::vector<std::string>();
    return ranges::views::concat(hosts, known) | ranges::to<std::vector>() | ranges::actions::sort |
           ranges::actions::unique;
}

} // namespace portent::cli
