// The `--first` scan: only the lines that answer each query first, read a block at a time.
#include "services/source.hpp"

#include "services/source/line_scan.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace portent::services {

namespace {

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
        sources::for_each_hit_line(
            run.lines, run.first_line, [&](std::size_t from) { return next_candidate(run.lines, from); },
            [&](std::string_view line, std::uint32_t number) {
                try_line(run, line, number);
                return !open_.empty();
            });
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
        return sources::find_text(lines, every_line_ ? std::string_view() : std::string_view(open.needle),
                                  from);
    }

    // The first position at or after `from` where an open query's needle is found; npos when
    // there is none.
    [[nodiscard]] std::size_t next_candidate(std::string_view lines, std::size_t from)
    {
        for (OpenQuery& open : open_)
            if (open.next != std::string_view::npos && open.next < from)
                open.next = next_hit(lines, open, from);
        return open_.empty() ? std::string_view::npos : std::ranges::min(open_, {}, &OpenQuery::next).next;
    }

    // Parses the line (number `number` of its source) and closes the queries that its entry
    // answers; the line is kept when it answers one.
    void try_line(const SourceLines& run, std::string_view line, std::uint32_t number)
    {
        const Entry* entry = parser_.parse(line, run.format, number, run.source);
        if (entry == nullptr)
            return;
        const std::size_t before = open_.size();
        std::erase_if(open_, [&](const OpenQuery& open) { return open.query->matches(*entry); });
        if (open_.size() != before)
            matches_.push_back({std::string(run.name), run.format, number, std::string(line)});
    }

    std::vector<OpenQuery> open_;
    std::vector<Match> matches_;
    bool every_line_ = false;
    sources::LineParser parser_;
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
