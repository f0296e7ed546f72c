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
    const OutputFormat format = context.output_format();
    const services::Table table = context.load_table();
    const std::vector<std::uint32_t> found = table.search(text, context.protocol());
    if (!found.empty() || format == OutputFormat::json)
        write_entries(context.out, table, found, format, context.table_width);
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
        run_search,
        {OutputFormat::table, OutputFormat::services, OutputFormat::json}};
    return command;
}

} // namespace portent::cli
