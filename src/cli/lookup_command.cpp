#include "cli/command.hpp"
#include "cli/output.hpp"
#include "services/query.hpp"
#include "services/source.hpp"

#include <algorithm>
#include <ostream>

namespace portent::cli {

namespace {

// The edit distance of two short words, a swap of neighbours counting as one edit ("lsit").
std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::vector<std::size_t>> cost(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        for (std::size_t j = 0; j <= b.size(); ++j) {
            if (i == 0 || j == 0) {
                cost[i][j] = i + j;
                continue;
            }
            cost[i][j] = std::min({cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                                   cost[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cost[i][j] = std::min(cost[i][j], cost[i - 2][j - 2] + 1);
        }
    return cost[a.size()][b.size()];
}

// For a first word that names no service: the command or option it looks like a slip for.
std::string command_hint(std::string_view word)
{
    if (word == "help" || word == "version")
        return " (did you mean `--" + std::string(word) + "`?)";
    if (word.size() > 32)
        return {};
    for (std::string_view command : command_names())
        if (edit_distance(word, command) <= (command.size() > 4 ? 2U : 1U))
            return " (did you mean `" + std::string(command) + "`?)";
    return {};
}

// Queries that cannot mean anything, once the database has no service of their name: a usage
// error before anything is printed.
void check_missing(const Context& context, const services::Table& table,
                   const std::vector<services::Query>& queries, const std::vector<std::size_t>& missing)
{
    for (std::size_t index : missing)
        if (!queries[index].not_a_range.empty())
            throw UsageError(context.arguments[index] + ": not a range: " + queries[index].not_a_range);
    if (std::ranges::any_of(missing, [&](std::size_t index) {
            return context.arguments[index].find('/') == std::string::npos; // -p is its protocol
        }))
        context.check_protocol(table);
}

// What a query answers, appended to `found`: the entries (with --first, the first) that
// `accept` takes, each with the ports asked for. False when it answers nothing.
bool answer(const Context& context, const services::Table& table, const services::Query& query,
            services::EntryFilter accept, std::vector<Shown>& found)
{
    if (context.global.first) {
        const auto first = query.first_in(table, accept);
        if (first) {
            const services::PortSpan ports = query.asked_ports(table.entry(*first));
            found.push_back({*first, {ports.first, ports.first}}); // getent prints one line
        }
        return first.has_value();
    }
    const std::vector<std::uint32_t> matches = query.find_in(table, accept);
    // services(5) lines of the ports asked for: each port from the first source that has it.
    if (accept && !matches.empty() && query.kind != services::Query::Kind::name &&
        !query.names(table.entry(matches.front()))) {
        for (const auto& [match, ports] :
             services::first_source_ports(table, matches, {query.port_first, query.port_last}))
            found.push_back({match, ports});
        return true;
    }
    for (const std::uint32_t match : matches)
        found.push_back({match, query.asked_ports(table.entry(match))});
    return !matches.empty();
}

// One line on stderr for each query that found nothing.
void report_missing(const Context& context, const services::Table& table,
                    const std::vector<services::Query>& queries, const std::vector<std::size_t>& missing,
                    services::EntryFilter accept)
{
    for (const std::size_t index : missing) {
        const std::string& text = context.arguments[index];
        std::string message = text + ": no such service in " + source_names(table);
        if (accept && !queries[index].find_in(table).empty())
            message += " that a services(5) line can hold (--format table shows the others)";
        else if (index == 0 && !context.command_named)
            message += command_hint(text);
        print_message(context.err, message);
    }
}

int run_lookup(Context& context)
{
    if (context.arguments.empty())
        throw UsageError("lookup: give at least one QUERY");
    const OutputFormat format = context.output_format();
    std::vector<services::Query> queries;
    for (const std::string& text : context.arguments)
        queries.push_back(context.query(text));
    // Only the lines that answer the queries when every one has an answer (with --first, its
    // first), otherwise the whole database.
    // services(5) output answers from the entries a line can hold, as getent would read them back.
    const services::EntryFilter accept = entry_filter(format);
    const services::Table table = context.load_table([&](std::string* note) {
        if (context.global.first)
            return services::load_first_matches(context.global.databases, context.global.db_format, queries,
                                                note, std::size_t{1} << 14U, accept);
        return services::load_all_matches(context.global.databases, context.global.db_format, queries, note);
    });
    std::vector<Shown> found;
    std::vector<std::size_t> missing;
    for (std::size_t index = 0; index < queries.size(); ++index)
        if (!answer(context, table, queries[index], accept, found))
            missing.push_back(index);
    check_missing(context, table, queries, missing);
    if (!found.empty() || format == OutputFormat::json)
        write_entries(context.out, table, found, entry_output(context, format));
    context.out.flush();
    report_missing(context, table, queries, missing, accept);
    return missing.empty() ? exit_code::ok : exit_code::not_found;
}

} // namespace

const Command& lookup_command()
{
    static const Command command{
        "lookup",
        "QUERY...",
        "look up services by name, alias, port or port range (the default command)",
        "QUERY is NAME, NAME/PROTO, PORT, PORT/PROTO, LO-HI or LO-HI/PROTO. Names match exactly\n"
        "and case-sensitively, as in glibc; a port finds the IANA ranges that hold it. Use\n"
        "`portent lookup NAME` for a service named like a command (search, help, …). With several\n"
        "--db sources the first listed wins: an entry of a later source is left out when an earlier\n"
        "one has the name (or the port) for its protocol. --format services writes a range as one\n"
        "line per port, and only the entries that a services(5) line can hold.\n",
        {},
        run_lookup,
        {OutputFormat::table, OutputFormat::services, OutputFormat::json}};
    return command;
}

} // namespace portent::cli
