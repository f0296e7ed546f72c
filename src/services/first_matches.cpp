// The lookup scans: the lines (or CSV records) that answer each query, read a block at a time,
// for `--first` only as far as every query's first answer.
#include "services/source.hpp"

#include "services/parse/iana_csv.hpp"
#include "services/source/line_scan.hpp"
#include "services/source/matched_records.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace portent::services {

namespace {

// Reads runs of records until every query has its first match (`first_only`), or to the end.
// Only the records that hold a query's needle (its name, or its port in decimal) are parsed,
// as the parsers parse them, and those whose entry a query matches are kept.
class QueryScan
{
public:
    QueryScan(std::span<const Query> queries, bool first_only, EntryFilter accept)
        : first_only_(first_only), accept_(accept)
    {
        for (const Query& query : queries)
            open_.push_back(
                {&query, query.kind == Query::Kind::port ? std::to_string(query.port_first) : query.name});
    }

    // Whether the scan can answer the queries from a record's text: a quote in a name is
    // written twice inside a quoted CSV field.
    [[nodiscard]] bool can_read(Format format) const
    {
        return format != Format::iana_csv || std::ranges::none_of(open_, [](const OpenQuery& open) {
                   return open.needle.find('"') != std::string::npos;
               });
    }

    // Looks at one run of records; false once every query is answered (`first_only`).
    bool scan(const SourceLines& run)
    {
        kept_.enter(run);
        // A port written in octal or hexadecimal lacks its decimal digits, and a CSV range
        // (6000-6063) the digits of the ports inside it: then every record of the run is a
        // candidate (an empty needle is found everywhere).
        every_record_ = std::ranges::any_of(open_, [](const OpenQuery& open) { return open.port(); }) &&
                        (run.format == Format::iana_csv || may_hold_non_decimal_port(run.lines));
        for (OpenQuery& open : open_)
            open.next = next_hit(run.lines, open, 0);
        sources::for_each_hit_record(
            run.lines, run.format, run.first_line,
            [&](std::size_t from) { return next_candidate(run.lines, from); },
            [&](std::string_view record, std::uint32_t number) {
                try_record(run, record, number);
                return !done();
            });
        return !done();
    }

    // Whether every query has a match.
    [[nodiscard]] bool answered() const { return std::ranges::all_of(open_, &OpenQuery::answered); }

    // A part of each source read, holding the records that match a query: for each query, its
    // first match (or every match) is the one the whole database gives.
    [[nodiscard]] std::vector<Table::Part> parts() && { return std::move(kept_).parts(); }

private:
    // A query, and what every record that can match it holds.
    struct OpenQuery
    {
        const Query* query;
        std::string needle;
        std::size_t next = 0; // where the needle is next found in the current run of records
        bool answered = false;

        [[nodiscard]] bool port() const { return query->kind == Query::Kind::port; }
        // The scan still looks for its matches.
        [[nodiscard]] bool wanted(bool first_only) const { return !(first_only && answered); }
    };

    [[nodiscard]] bool done() const { return first_only_ && answered(); }

    [[nodiscard]] std::size_t next_hit(std::string_view records, const OpenQuery& open,
                                       std::size_t from) const
    {
        return sources::find_text(records, every_record_ ? std::string_view() : std::string_view(open.needle),
                                  from);
    }

    // The first position at or after `from` where the needle of a query still wanted is
    // found; npos when there is none.
    [[nodiscard]] std::size_t next_candidate(std::string_view records, std::size_t from)
    {
        std::size_t nearest = std::string_view::npos;
        for (OpenQuery& open : open_) {
            if (!open.wanted(first_only_))
                continue;
            if (open.next != std::string_view::npos && open.next < from)
                open.next = next_hit(records, open, from);
            nearest = std::min(nearest, open.next);
        }
        return nearest;
    }

    // Whether a CSV record may match a query: its name field is quoted or the name, or its port
    // field is not plainly a port or range without the port. What the parser needs not look at
    // (most places a name is found are descriptions and URLs).
    [[nodiscard]] bool may_match(const OpenQuery& open, std::string_view record) const
    {
        if (open.port())
            return csv_record_may_hold_port(record, open.query->port_first);
        const std::optional<std::string_view> name = csv_plain_name(record);
        return name ? *name == open.query->name : record.find(open.needle) != std::string_view::npos;
    }

    // Parses the record (whose first line is number `number` of its source) and keeps it when
    // its entry matches a query still wanted.
    void try_record(const SourceLines& run, std::string_view record, std::uint32_t number)
    {
        if (run.format == Format::iana_csv && std::ranges::none_of(open_, [&](const OpenQuery& open) {
                return open.wanted(first_only_) && may_match(open, record);
            }))
            return;
        const Entry* entry = parser_.parse(record, run.format, number, run.source);
        if (entry == nullptr)
            return;
        // An entry that the output cannot show answers nothing: the query reads on.
        const bool accepted = accept_ == nullptr || accept_(*entry);
        bool matched = false;
        for (OpenQuery& open : open_) {
            if (open.wanted(first_only_) && open.query->matches(*entry)) {
                matched = true;
                open.answered = open.answered || accepted;
            }
        }
        if (matched)
            kept_.keep(run, record, number);
    }

    bool first_only_;
    EntryFilter accept_;
    std::vector<OpenQuery> open_;
    sources::MatchedRecords kept_;
    bool every_record_ = false;
    sources::RecordParser parser_;
};

// The table of the records that answer `queries`; nullopt where a scan cannot tell (see
// load_first_matches() and load_all_matches()).
std::optional<Table> load_query_matches(std::span<const std::string> specs, std::optional<Format> format,
                                        std::span<const Query> queries, bool first_only, std::string* note,
                                        std::size_t block_size, EntryFilter accept)
{
    if (queries.empty() ||
        std::ranges::any_of(queries, [](const Query& query) { return query.kind == Query::Kind::range; }))
        return std::nullopt;
    QueryScan scan(queries, first_only, accept);
    bool readable = true;
    const auto scan_run = [&](const SourceLines& run) {
        readable = readable && scan.can_read(run.format);
        return readable && scan.scan(run);
    };
    if (!scan_sources(specs, format, scan_run, note, block_size) || !readable)
        return std::nullopt;
    if (!scan.answered()) // a query without an answer: load_database() tells which sources lack it
        return std::nullopt;
    return Table(std::move(scan).parts());
}

} // namespace

std::optional<Table> load_first_matches(std::span<const std::string> specs, std::optional<Format> format,
                                        std::span<const Query> queries, std::string* note,
                                        std::size_t block_size, EntryFilter accept)
{
    return load_query_matches(specs, format, queries, true, note, block_size, accept);
}

std::optional<Table> load_all_matches(std::span<const std::string> specs, std::optional<Format> format,
                                      std::span<const Query> queries, std::string* note,
                                      std::size_t block_size)
{
    return load_query_matches(specs, format, queries, false, note, block_size, nullptr);
}

} // namespace portent::services
