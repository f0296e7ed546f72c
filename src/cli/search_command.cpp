#include "cli/command.hpp"
#include "cli/output.hpp"
#include "services/search_scan.hpp"
#include "util/ascii.hpp"

namespace portent::cli {

namespace {

int run_search(Context& context)
{
    context.refuse_options("search", {"first"});
    std::string text;
    for (const std::string& word : context.arguments)
        text += (text.empty() ? "" : " ") + word;
    if (text.find_first_not_of(util::spaces) == std::string::npos)
        throw UsageError("search: give the words to search for (`portent list` shows every entry)");
    const OutputFormat format = context.output_format();
    // Only the lines that hold every word, where a scan can tell (services::load_search_matches()).
    const services::Table table = context.load_table([&](std::string* note) {
        return services::load_search_matches(context.global.databases, context.global.db_format, text,
                                             context.protocol(), note);
    });
    context.check_protocol(table);
    std::size_t left_out = 0;
    const std::vector<std::uint32_t> found =
        listed_entries(table, table.search(text, context.protocol()), format, left_out);
    if (!found.empty() || format == OutputFormat::json)
        write_entries(context.out, table, whole_entries(table, found), entry_output(context, format));
    context.out.flush();
    const std::string words = "'" + text + "'";
    if (found.empty() && left_out > 0)
        print_message(context.err, "search: " + words +
                                       " matches only entries that a services(5) line "
                                       "cannot hold (see --format table)");
    else if (found.empty())
        print_message(context.err, "search: nothing in " + source_names(table) + " matches " + words);
    else if (left_out > 0)
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
        "WORD...",
        "the entries whose names, aliases, comments or descriptions hold every WORD, in any case",
        "Finds the entries that hold every WORD, in any order, each anywhere in the name, an alias,\n"
        "the comment or the description (`portent search remote login` finds ssh's \"SSH Remote\n"
        "Login Protocol\"). Prints what list prints of them; exit status 2 when nothing matches.\n",
        {},
        run_search,
        {OutputFormat::table, OutputFormat::services, OutputFormat::json}};
    return command;
}

} // namespace portent::cli
