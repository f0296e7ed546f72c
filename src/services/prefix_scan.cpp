#include "services/prefix_scan.hpp"

#include "services/parse/iana_csv.hpp"
#include "services/source.hpp"
#include "services/source/line_scan.hpp"
#include "services/source/matched_records.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace portent::services {

namespace {

bool has_prefix(const Entry& entry, std::string_view prefix)
{
    return entry.name().starts_with(prefix) ||
           std::ranges::any_of(entry.aliases(),
                               [&](std::string_view alias) { return alias.starts_with(prefix); });
}

// Keeps the records of `run` that make an entry with the prefix. In an IANA CSV a prefix with a
// quote is written twice: false then, having kept nothing.
bool scan(const SourceLines& run, std::string_view prefix, sources::MatchedRecords& found)
{
    found.enter(run);
    if (run.format == Format::iana_csv && prefix.find('"') != std::string_view::npos)
        return false;
    sources::RecordParser parser;
    sources::for_each_hit_record(
        run.lines, run.format, run.first_line,
        [&](std::size_t from) { return sources::find_text(run.lines, prefix, from); },
        [&](std::string_view record, std::uint32_t number) {
            // Most hits of a prefix in the CSV are in its descriptions and URLs: a record whose
            // name cannot start with it is not parsed.
            if (run.format == Format::iana_csv) {
                const std::optional<std::string_view> name = csv_plain_name(record);
                if (name && !name->starts_with(prefix))
                    return true;
            }
            const Entry* entry = parser.parse(record, run.format, number, run.source);
            if (entry != nullptr && has_prefix(*entry, prefix))
                found.keep(run, record, number);
            return true;
        });
    return true;
}

} // namespace

std::optional<Table> prefix_matches(std::span<const Table::Part> parts, std::string_view prefix)
{
    if (prefix.empty())
        return std::nullopt;
    sources::MatchedRecords found;
    for (std::uint32_t index = 0; index < parts.size(); ++index) {
        const Table::Part& part = parts[index];
        const Format format = part.format.value_or(detect_format(part.text));
        if (!scan({index, part.name, format, part.text, part.first_line}, prefix, found))
            return std::nullopt;
    }
    return Table(std::move(found).parts());
}

std::optional<Table> load_prefix_matches(std::span<const std::string> specs, std::optional<Format> format,
                                         std::string_view prefix, std::string* note, std::size_t block_size)
{
    if (prefix.empty())
        return std::nullopt;
    sources::MatchedRecords found;
    bool readable = true;
    const auto scan_run = [&](const SourceLines& run) {
        readable = scan(run, prefix, found);
        return readable;
    };
    if (!scan_sources(specs, format, scan_run, note, block_size) || !readable)
        return std::nullopt;
    return Table(std::move(found).parts());
}

} // namespace portent::services
