// The `search` scan: the records that hold every word, read a block at a time.
#include "services/search_scan.hpp"

#include "services/source.hpp"
#include "services/source/line_scan.hpp"
#include "services/source/matched_records.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <vector>

namespace portent::services {

std::optional<Table> load_search_matches(std::span<const std::string> specs, std::optional<Format> format,
                                         std::string_view text, ProtocolFilter protocol, std::string* note,
                                         std::size_t block_size)
{
    std::vector<std::string> words; // lower-case, as Table::search() takes them
    for (const std::string_view word : util::split_words(text))
        words.push_back(util::lowered(word));
    if (specs.size() > 1 || words.empty())
        return std::nullopt;
    const std::string& needle = *std::ranges::max_element(words, {}, &std::string::size);
    const bool quoted = std::ranges::any_of(
        words, [](const std::string& word) { return word.find('"') != std::string::npos; });
    sources::MatchedRecords found;
    bool readable = true;
    const auto scan_run = [&](const SourceLines& run) {
        found.enter(run);
        readable = !(quoted && run.format == Format::iana_csv);
        if (!readable)
            return false;
        sources::for_each_hit_record(
            run.lines, run.format, run.first_line,
            [&](std::size_t from) { return sources::find_text_ignoring_case(run.lines, needle, from); },
            [&](std::string_view record, std::uint32_t number) {
                if (std::ranges::all_of(words, [&](const std::string& word) {
                        return util::contains_ignoring_case(record, word);
                    }))
                    found.keep(run, record, number);
                return true;
            });
        return true;
    };
    if (!scan_sources(specs, format, scan_run, note, block_size) || !readable)
        return std::nullopt;
    Table table(std::move(found).parts());
    if (table.search(text, protocol).empty())
        return std::nullopt;
    return table;
}

} // namespace portent::services
