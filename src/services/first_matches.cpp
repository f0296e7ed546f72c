// The `--first` scan: only the lines that answer each query first, read a block at a time.
#include "services/source.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace portent::services {

namespace {

// Where `needle` is first found in `text` from `from` on; npos when it is not.
std::size_t find(std::string_view text, std::string_view needle, std::size_t from)
{
    if (from > text.size())
        return std::string_view::npos;
    const void* found = ::memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
    return found ? static_cast<std::size_t>(static_cast<const char*>(found) - text.data())
                 : std::string_view::npos;
}

// Reads runs of lines of line-based sources (services(5), nmap-services) until every query has
// its first match. Only the lines that hold a query's needle (its name, or its port in decimal)
// are parsed, as the parsers parse them.
class FirstMatchScan
{
public:
    explicit FirstMatchScan(std::span<const Query> queries)
    {
        for (const Query& query : queries)
            open_.push_back(
                {&query, query.kind == Query::Kind::port ? std::to_string(query.port_first) : query.name});
    }

    // Looks at one run of lines; false once every query is answered.
    bool scan(const SourceLines& run)
    {
        // A port written in octal or hexadecimal lacks its decimal digits: then every line of
        // the run is a candidate (an empty needle is found everywhere).
        every_line_ =
            std::ranges::any_of(
                open_, [](const OpenQuery& open) { return open.query->kind == Query::Kind::port; }) &&
            may_hold_non_decimal_port(run.lines);
        for (OpenQuery& open : open_)
            open.next = next_hit(run.lines, open, 0);
        std::uint32_t number = run.first_line; // of the line that starts at `counted`
        std::size_t counted = 0;
        std::size_t position = 0; // the start of the first line not yet looked at
        while (position < run.lines.size() && !open_.empty()) {
            const std::size_t line_start = next_candidate_line(run.lines, position);
            if (line_start == std::string_view::npos)
                break;
            number +=
                static_cast<std::uint32_t>(newline_count(run.lines.substr(counted, line_start - counted)));
            counted = line_start;
            const std::string_view line =
                run.lines.substr(line_start, run.lines.find('\n', line_start) - line_start);
            position = std::min(line_start + line.size() + 1, run.lines.size());
            try_line(run, line, number);
            for (OpenQuery& open : open_)
                if (open.next != std::string_view::npos && open.next < position)
                    open.next = next_hit(run.lines, open, position);
        }
        return !open_.empty();
    }

    [[nodiscard]] bool answered() const { return open_.empty(); }

    // The matched lines alone, each a part with its line number: for each query, its first
    // match is the first entry of their table that matches it, as in the whole database.
    [[nodiscard]] std::vector<Table::Part> parts()
    {
        std::vector<Table::Part> parts;
        for (Match& match : matches_) {
            Table::Part part =
                Table::Part::holding(std::move(match.name), match.format, std::move(match.text));
            part.first_line = match.line;
            parts.push_back(std::move(part));
        }
        return parts;
    }

private:
    // A query still without an answer, and what every line that can match it holds.
    struct OpenQuery
    {
        const Query* query;
        std::string needle;
        std::size_t next = 0; // where the needle is next found in the current run of lines
    };

    // Where a query was first answered: the line, kept for the table.
    struct Match
    {
        std::string name;
        Format format;
        std::uint32_t line = 0;
        std::string text;
    };

    [[nodiscard]] std::size_t next_hit(std::string_view lines, const OpenQuery& open, std::size_t from) const
    {
        return find(lines, every_line_ ? std::string_view() : std::string_view(open.needle), from);
    }

    // The start of the first line at or after `position` that holds an open query's needle;
    // npos when there is none.
    [[nodiscard]] std::size_t next_candidate_line(std::string_view lines, std::size_t position) const
    {
        const std::size_t candidate = std::ranges::min(open_, {}, &OpenQuery::next).next;
        if (candidate == std::string_view::npos)
            return candidate;
        const std::size_t previous_newline =
            candidate == position ? std::string_view::npos : lines.rfind('\n', candidate - 1);
        return previous_newline == std::string_view::npos || previous_newline < position
                   ? position
                   : previous_newline + 1;
    }

    // Parses the line (number `number` of its source) and closes the queries that its entry
    // answers; the line is kept when it answers one.
    void try_line(const SourceLines& run, std::string_view line, std::uint32_t number)
    {
        aliases_.clear();
        diagnostics_.clear();
        if (!parse_line(line, run.format, number, run.source, aliases_, diagnostics_, entry_))
            return;
        entry_.aliases = aliases_;
        const std::size_t before = open_.size();
        std::erase_if(open_, [&](const OpenQuery& open) { return open.query->matches(entry_); });
        if (open_.size() != before)
            matches_.push_back({std::string(run.name), run.format, number, std::string(line)});
    }

    std::vector<OpenQuery> open_;
    std::vector<Match> matches_;
    bool every_line_ = false;
    std::vector<std::string_view> aliases_;
    std::vector<Diagnostic> diagnostics_; // not reported by a lookup
    Entry entry_;
};

} // namespace

std::optional<Table> load_first_matches(std::span<const std::string> specs, std::optional<Format> format,
                                        std::span<const Query> queries, std::string* note,
                                        std::size_t block_size)
{
    if (std::ranges::any_of(queries, [](const Query& query) { return query.kind == Query::Kind::range; }))
        return std::nullopt;
    FirstMatchScan scan(queries);
    if (!scan_sources(
            specs, format, [&](const SourceLines& run) { return scan.scan(run); }, note, block_size))
        return std::nullopt;
    if (!scan.answered()) // a query without an answer: load_database() tells which sources lack it
        return std::nullopt;
    return Table(scan.parts());
}

} // namespace portent::services
