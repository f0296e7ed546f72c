#include "cli/command.hpp"
#include "cli/output.hpp"

namespace portent::cli {

namespace {

int run_search(Context& context)
{
    if (context.arguments.empty())
        throw UsageError("search: give the TEXT to search for");
    std::string text;
    for (const std::string& word : context.arguments)
        text += (text.empty() ? "" : " ") + word;
    const OutputFormat format =
        context.output_format({OutputFormat::table, OutputFormat::services, OutputFormat::json});
    const services::Table table = context.load_table();
    context.check_protocol(table);
    std::size_t left_out = 0;
    const std::vector<std::uint32_t> found =
        listed_entries(table, table.search(text, context.protocol()), format, left_out);
    if (!found.empty() || format == OutputFormat::json)
        write_entries(context.out, table, whole_entries(table, found), entry_output(context, format));
    if (left_out > 0)
        print_message(context.err, "note: " + std::to_string(left_out) +
                                       " matching entries left out: a services(5) line cannot hold them "
                                       "(see --format table)");
    return found.empty() ? exit_code::not_found : exit_code::ok;
}

} // namespace

const Command& search_command()
{
    static const Command command{
        "search",
        "TEXT...",
        "search names, aliases, comments and IANA descriptions, ignoring case",
        "The words are joined with spaces and searched as one text. Exit status 2 when nothing matches.\n",
        {},
        run_search};
    return command;
}

} // namespace portent::cli
