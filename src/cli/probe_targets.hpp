#pragma once

#include "cli/command.hpp"
#include "probe/targets.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace portent::cli {

// The arguments of `portent probe`, told apart. With "--", the arguments before it are TARGETS
// and those after it QUERYs. Without: the first argument is a TARGETS item (unless --hosts-from
// gives the hosts), so are the arguments after it that are written as hosts
// (probe::written_as_hosts(): an address, a block, a range, a comma-separated list), and the
// first argument that is not starts the QUERYs. Throws UsageError when hosts or queries are missing.
struct ProbeWords
{
    std::vector<std::string> hosts;
    std::vector<std::string> queries;
};
[[nodiscard]] ProbeWords split_probe_words(const Context& context);

// The database `portent probe` reads: for --top N without a QUERY, only the entries that give
// the N ports (load_top_ports()), else (or where that cannot tell) the whole database.
[[nodiscard]] services::Table load_probe_table(const Context& context, const ProbeWords& words);

// For --top N without a QUERY: a table of the entries that make probe::PortList::add_top(N)
// over `transport` add the ports the whole database makes it add, in the same order, read by
// services::load_most_frequent() (each record parsed, the N most frequent with a port kept).
// Nullopt where the whole database must tell (see there), or where those N entries share a port.
[[nodiscard]] std::optional<services::Table> load_top_ports(std::span<const std::string> databases,
                                                            std::optional<services::Format> format,
                                                            std::size_t count, probe::Transport transport,
                                                            std::string* note = nullptr,
                                                            std::size_t block_size = std::size_t{1} << 16U);

// The targets of `portent probe`: the hosts of `words` and --hosts-from, by the ports of the
// queries and --top (probe::PortList), each port and protocol once. Each target speaks
// `dialogue` when given, else its service's own. Throws UsageError for a bad host item or a
// query that cannot be probed, std::runtime_error for an unknown name or a database without
// open-frequencies for --top.
[[nodiscard]] probe::TargetPlan make_plan(const Context& context, const services::Table& table,
                                          const ProbeWords& words,
                                          std::optional<probe::DialogueKind> dialogue);

} // namespace portent::cli
