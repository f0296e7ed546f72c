#include "cli/command.hpp"
#include "cli/output.hpp"

#include <boost/program_options/value_semantic.hpp>

#include <algorithm>
#include <charconv>
#include <numeric>

namespace po = boost::program_options;

namespace portent::cli {

namespace {

int run_list(Context& context)
{
    if (!context.arguments.empty())
        throw UsageError("list: unexpected argument '" + context.arguments.front() + "'");
    const OutputFormat format = context.output_format();
    const services::Table table = context.load_table();
    const auto entries = table.entries();
    const services::ProtocolFilter protocol = context.protocol();
    std::vector<std::uint32_t> indices;
    for (std::uint32_t index = 0; index < entries.size(); ++index)
        if (!protocol || entries[index].protocol == *protocol)
            indices.push_back(index);
    if (context.options.count("top")) {
        const std::size_t top = read_whole_number("--top", context.options["top"].as<std::string>(), false);
        if (std::ranges::none_of(entries,
                                 [](const services::Entry& entry) { return entry.frequency.has_value(); }))
            throw std::runtime_error(
                "list --top: the database has no open-frequencies (use an nmap-services file)");
        std::erase_if(indices, [&](std::uint32_t index) { return !entries[index].frequency; });
        std::ranges::stable_sort(indices, std::ranges::greater(),
                                 [&](std::uint32_t index) { return *entries[index].frequency; });
        indices.resize(std::min(top, indices.size()));
    }
    write_entries(context.out, table, indices, format, context.table_width);
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

const Command& list_command()
{
    static const Command command{
        "list",         "[--top N]", "every entry, in file order (with --top N: the N most often open)", "",
        list_options(), run_list,    {OutputFormat::table, OutputFormat::services, OutputFormat::json}};
    return command;
}

} // namespace portent::cli
