#include "services/prefix_scan.hpp"

#include "services/source.hpp"
#include "services/source/line_scan.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace portent::services {

namespace {

bool has_prefix(const Entry& entry, std::string_view prefix)
{
    return entry.name.starts_with(prefix) || std::ranges::any_of(entry.aliases, [&](std::string_view alias) {
               return alias.starts_with(prefix);
           });
}

// Appends to `found` the lines of `text` (whose first line is number `first_line` of source
// `name`) that make an entry with the prefix, each a part with its line number.
void scan(std::string_view name, Format format, std::string_view text, std::uint32_t first_line,
          std::string_view prefix, std::vector<Table::Part>& found)
{
    sources::LineParser parser;
    sources::for_each_hit_line(
        text, first_line, [&](std::size_t from) { return sources::find_text(text, prefix, from); },
        [&](std::string_view line, std::uint32_t number) {
            const Entry* entry = parser.parse(line, format, number, 0);
            if (entry != nullptr && has_prefix(*entry, prefix)) {
                Table::Part match = Table::Part::holding(std::string(name), format, std::string(line));
                match.first_line = number;
                found.push_back(std::move(match));
            }
            return true;
        });
}

} // namespace

std::optional<Table> prefix_matches(std::span<const Table::Part> parts, std::string_view prefix)
{
    if (prefix.empty())
        return std::nullopt;
    std::vector<Table::Part> found;
    for (const Table::Part& part : parts) {
        const Format format = part.format.value_or(detect_format(part.text));
        if (format == Format::iana_csv)
            return std::nullopt;
        scan(part.name, format, part.text, part.first_line, prefix, found);
    }
    return Table(std::move(found));
}

std::optional<Table> load_prefix_matches(std::span<const std::string> specs, std::optional<Format> format,
                                         std::string_view prefix, std::string* note, std::size_t block_size)
{
    if (prefix.empty())
        return std::nullopt;
    std::vector<Table::Part> found;
    const auto scan_lines = [&](const SourceLines& run) {
        scan(run.name, run.format, run.lines, run.first_line, prefix, found);
        return true;
    };
    if (!scan_sources(specs, format, scan_lines, note, block_size))
        return std::nullopt;
    return Table(std::move(found));
}

} // namespace portent::services
