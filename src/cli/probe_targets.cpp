#include "cli/probe_targets.hpp"

#include "cli/output.hpp"
#include "services/top_scan.hpp"
#include "util/ascii.hpp"

#include <fstream>
#include <iostream>

namespace portent::cli {

namespace {

namespace po = boost::program_options;

// Adds the TARGETS items of --hosts-from: one a line, blank lines and '#' comments left out.
void add_hosts_from(probe::HostList& hosts, const std::string& path, bool allow_large)
{
    std::ifstream file;
    if (path != "-") {
        file.open(path);
        if (!file)
            throw std::runtime_error("--hosts-from: cannot read " + path);
    }
    std::istream& in = path == "-" ? std::cin : file;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        const std::string_view item = util::trim(std::string_view(line).substr(0, line.find('#')));
        if (item.empty())
            continue;
        try {
            hosts.add(item, allow_large);
        } catch (const probe::TargetError& error) {
            throw UsageError("--hosts-from " + path + ":" + std::to_string(number) + ": " + error.what());
        }
    }
    if (in.bad())
        throw std::runtime_error("--hosts-from: cannot read " + path);
}

// An entry that --top can add: one with a port other than 0 (probe::PortList::add_top()).
bool gives_a_port(const services::Entry& entry)
{
    return entry.has_port() && entry.port_first() != 0;
}

// --top's count and protocol, checked.
std::pair<std::size_t, probe::Transport> top_ports_asked(const Context& context)
{
    const std::size_t count = read_whole_number("--top", context.options["top"].as<std::string>(), true);
    const std::string protocol = context.global.protocol.value_or("tcp");
    if (protocol != "tcp" && protocol != "udp")
        throw UsageError("--top: -p/--proto is tcp or udp, not '" + protocol + "'");
    return {count, protocol == "tcp" ? probe::Transport::tcp : probe::Transport::udp};
}

} // namespace

std::optional<services::Table> load_top_ports(std::span<const std::string> databases,
                                              std::optional<services::Format> format, std::size_t count,
                                              probe::Transport transport, std::string* note,
                                              std::size_t block_size)
{
    std::optional<services::MostFrequent> most = services::load_most_frequent(
        databases, format, count, probe::to_string(transport), gives_a_port, note, block_size);
    if (!most)
        return std::nullopt;
    std::vector<bool> seen(std::size_t{65536}, false);
    for (const services::Entry& entry : most->table.entries()) {
        if (seen[entry.port_first()])
            return std::nullopt; // add_top() would go past the N entries: the whole database tells
        seen[entry.port_first()] = true;
    }
    return std::move(most->table);
}

services::Table load_probe_table(const Context& context, const ProbeWords& words)
{
    return context.load_table([&](std::string* note) -> std::optional<services::Table> {
        if (!words.queries.empty() || context.options.count("top") == 0)
            return std::nullopt;
        std::pair<std::size_t, probe::Transport> asked;
        try {
            asked = top_ports_asked(context);
        } catch (const UsageError&) {
            return std::nullopt; // said by make_plan(), after the database is read, as ever
        }
        return load_top_ports(context.global.databases, context.global.db_format, asked.first, asked.second,
                              note);
    });
}

ProbeWords split_probe_words(const Context& context)
{
    const std::vector<std::string>& arguments = context.arguments;
    const bool hosts_from = context.options.count("hosts-from") > 0;
    std::size_t split = 0;
    if (context.arguments_before_dashes) {
        split = *context.arguments_before_dashes;
    } else {
        split = hosts_from || arguments.empty() ? 0 : 1;
        while (split < arguments.size() && probe::written_as_hosts(arguments[split]))
            ++split;
    }
    ProbeWords words{{arguments.begin(), arguments.begin() + static_cast<std::ptrdiff_t>(split)},
                     {arguments.begin() + static_cast<std::ptrdiff_t>(split), arguments.end()}};
    if (words.hosts.empty() && !hosts_from)
        throw UsageError("probe: give a HOST (or --hosts-from FILE) and at least one QUERY (or --top N)");
    if (words.queries.empty() && context.options.count("top") == 0)
        throw UsageError("probe: give at least one QUERY (or --top N) after the hosts");
    return words;
}

probe::TargetPlan make_plan(const Context& context, const services::Table& table, const ProbeWords& words,
                            std::optional<probe::DialogueKind> dialogue)
{
    const po::variables_map& options = context.options;
    const bool allow_large = options.count("allow-large") > 0;
    probe::HostList hosts;
    for (const std::string& item : words.hosts) {
        try {
            hosts.add(item, allow_large);
        } catch (const probe::TargetError& error) {
            throw UsageError(std::string("probe: ") + error.what());
        }
    }
    if (options.count("hosts-from"))
        add_hosts_from(hosts, options["hosts-from"].as<std::string>(), allow_large);
    if (hosts.empty())
        throw UsageError("probe: --hosts-from gives no host");

    probe::PortList ports(table, source_names(table), dialogue, context.global.first);
    try {
        if (options.count("top")) {
            const auto [count, transport] = top_ports_asked(context);
            ports.add_top(count, transport);
        }
        for (const std::string& query : words.queries)
            ports.add_query(query, context.query(query));
    } catch (const probe::TargetError& error) {
        throw UsageError(error.what());
    }
    return probe::TargetPlan(std::move(hosts), ports.ports());
}

} // namespace portent::cli
