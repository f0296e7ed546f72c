#include "cli/command.hpp"
#include "cli/output.hpp"
#include "services/merge.hpp"
#include "services/services_line.hpp"
#include "services/top_scan.hpp"

#include <boost/program_options/value_semantic.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace po = boost::program_options;

namespace portent::cli {

namespace {

// The database that `list` shows; with --top N and one source, only its N most frequent entries
// (services::load_most_frequent()), and then `left_out` is what the scan left out.
services::Table load_list_table(const Context& context, std::optional<std::size_t> top, OutputFormat format,
                                std::optional<std::size_t>& left_out)
{
    return context.load_table([&](std::string* note) -> std::optional<services::Table> {
        if (!top)
            return std::nullopt;
        std::optional<services::MostFrequent> most =
            services::load_most_frequent(context.global.databases, context.global.db_format, *top,
                                         context.protocol(), entry_filter(format), note);
        if (!most)
            return std::nullopt;
        left_out = most->left_out;
        return std::move(most->table);
    });
}

int run_list(Context& context)
{
    context.refuse_options("list", {"first"});
    if (!context.arguments.empty())
        throw UsageError("list: unexpected argument '" + context.arguments.front() + "'");
    const OutputFormat format = context.output_format();
    std::optional<std::size_t> top;
    if (context.options.count("top"))
        top = read_whole_number("--top", context.options["top"].as<std::string>(), true);
    std::optional<std::size_t> scan_left_out;
    const services::Table table = load_list_table(context, top, format, scan_left_out);
    context.check_protocol(table);
    const auto entries = table.entries();
    const services::ProtocolFilter protocol = context.protocol();
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t index = 0; index < entries.size(); ++index)
        if (!protocol || entries[index].protocol() == *protocol)
            candidates.push_back(index);
    std::size_t left_out = 0;
    std::vector<std::uint32_t> indices = listed_entries(table, std::move(candidates), format, left_out);
    left_out = scan_left_out.value_or(left_out);
    if (top)
        indices = most_frequent(table, std::move(indices), *top);
    write_entries(context.out, table, whole_entries(table, indices), entry_output(context, format));
    if (left_out > 0)
        print_message(context.err, "note: " + std::to_string(left_out) +
                                       " entries left out: a services(5) line needs a name, a port and a "
                                       "protocol, without spaces (see --format table)");
    return exit_code::ok;
}

po::options_description list_options()
{
    po::options_description options("list options");
    options.add_options()("top", po::value<std::string>()->value_name("N"),
                          "only the N entries most often found open (nmap-services open-frequency)");
    return options;
}

} // namespace

std::vector<std::uint32_t> most_frequent(const services::Table& table, std::vector<std::uint32_t> listed,
                                         std::size_t count)
{
    const auto entries = table.entries();
    if (std::ranges::none_of(entries,
                             [](const services::Entry& entry) { return entry.frequency().has_value(); }))
        throw std::runtime_error(
            "list --top: the database has no open-frequencies (use an nmap-services file)");
    std::erase_if(listed, [&](std::uint32_t index) { return !entries[index].frequency(); });
    std::ranges::stable_sort(listed, std::ranges::greater(),
                             [&](std::uint32_t index) { return *entries[index].frequency(); });
    listed.resize(std::min(count, listed.size()));
    return listed;
}

services::EntryFilter entry_filter(OutputFormat format)
{
    return format == OutputFormat::services ? services::fits_services_line : nullptr;
}

std::vector<std::uint32_t> listed_entries(const services::Table& table, std::vector<std::uint32_t> candidates,
                                          OutputFormat format, std::size_t& left_out)
{
    const services::EntryFilter accept = entry_filter(format);
    const std::vector<bool> hidden = services::hidden_by_earlier_sources(table, accept);
    left_out = 0;
    std::erase_if(candidates, [&](std::uint32_t index) {
        const bool taken = !accept || accept(table.entry(index));
        left_out += taken ? 0 : 1;
        return !taken || hidden[index];
    });
    return candidates;
}

const Command& list_command()
{
    static const Command command{
        "list",
        "[--top N]",
        "every entry, in file order (with --top N: the N most often open)",
        "With several --db sources the first listed wins: an entry of a later source is left out when an\n"
        "earlier one has its name for its protocol. --format services writes a range as one line per\n"
        "port and leaves out, saying so, the entries that a services(5) line cannot hold (no name,\n"
        "port or protocol, or spaces in the name): the output is a file that glibc reads back to the\n"
        "same answers.\n",
        list_options(),
        run_list,
        {OutputFormat::table, OutputFormat::services, OutputFormat::json}};
    return command;
}

} // namespace portent::cli
