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
    const OutputFormat format = context.output_format();
    std::vector<services::Query> queries;
    for (const std::string& text : context.arguments)
        queries.push_back(context.query(text));
    const services::Table table =
        context.load_table(context.global.first ? std::span<const services::Query>(queries)
                                                : std::span<const services::Query>());
    std::vector<std::uint32_t> found;
    std::vector<std::string> missing;
    for (std::size_t index = 0; index < queries.size(); ++index) {
        const services::Query& query = queries[index];
        const std::string& text = context.arguments[index];
        if (context.global.first) {
            if (const auto first = query.first_in(table))
                found.push_back(*first);
            else
                missing.push_back(text);
            continue;
        }
        const std::vector<std::uint32_t> matches = query.find_in(table);
        if (matches.empty())
            missing.push_back(text);
        found.insert(found.end(), matches.begin(), matches.end());
    }
    if (!found.empty() || format == OutputFormat::json)
        write_entries(context.out, table, found, format, context.table_width);
    context.out.flush();
    for (const std::string& text : missing)
        print_message(context.err, text + ": no such service in " + source_names(table));
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
        "`portent lookup NAME` for a service named like a command (search, help, …).\n",
        {},
        run_lookup,
        {OutputFormat::table, OutputFormat::services, OutputFormat::json}};
    return command;
}

} // namespace portent::cli
