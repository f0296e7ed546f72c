#include "cli/command.hpp"
#include "cli/output.hpp"
#include "services/query.hpp"

#include <ostream>

namespace portent::cli {

namespace {

int run_lookup(Context& context)
{
    if (context.arguments.empty())
        throw UsageError("lookup: give at least one QUERY");
    const OutputFormat format =
        context.output_format({OutputFormat::table, OutputFormat::services, OutputFormat::json});
    std::vector<services::Query> queries;
    for (const std::string& text : context.arguments)
        queries.push_back(context.query(text));
    const services::Table table =
        context.load_table(context.global.first ? std::span<const services::Query>(queries)
                                                : std::span<const services::Query>());
    // services(5) output answers from the entries a line can hold, as getent would read them back.
    const services::EntryFilter accept = entry_filter(format);
    std::vector<Shown> found;
    std::vector<std::size_t> missing;
    for (std::size_t index = 0; index < queries.size(); ++index) {
        const services::Query& query = queries[index];
        if (context.global.first) {
            if (const auto first = query.first_in(table, accept)) {
                const services::PortSpan ports = query.asked_ports(table.entry(*first));
                found.push_back({*first, {ports.first, ports.first}}); // getent prints one line
            } else {
                missing.push_back(index);
            }
            continue;
        }
        const std::vector<std::uint32_t> matches = query.find_in(table, accept);
        if (matches.empty())
            missing.push_back(index);
        // services(5) lines of the ports asked for: each port from the first source that has it.
        if (accept && !matches.empty() && query.kind != services::Query::Kind::name &&
            !query.names(table.entry(matches.front()))) {
            for (const auto& [match, ports] :
                 services::first_source_ports(table, matches, {query.port_first, query.port_last}))
                found.push_back({match, ports});
            continue;
        }
        for (const std::uint32_t match : matches)
            found.push_back({match, query.asked_ports(table.entry(match))});
    }
    if (!found.empty() || format == OutputFormat::json)
        write_entries(context.out, table, found, entry_output(context, format));
    context.out.flush();
    for (const std::size_t index : missing) {
        const std::string& text = context.arguments[index];
        std::string message = text + ": no such service in " + source_names(table);
        if (accept && !queries[index].find_in(table).empty())
            message += " that a services(5) line can hold (--format table shows the others)";
        print_message(context.err, message);
    }
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
        run_lookup};
    return command;
}

} // namespace portent::cli
