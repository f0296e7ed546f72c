#pragma once

#include "cli/command.hpp"
#include "probe/target.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace portent::cli {

// The targets of `portent probe HOST QUERY...`, each port and protocol once, in the order the
// queries give them. The one rule: a bare PORT or LO-HI is probed over TCP, and over UDP as
// well for each port the database lists for UDP; a NAME over the protocols the database lists
// for it. /PROTO and -p narrow to one protocol, and so does a TCP-only --as dialogue (http,
// https, banner). Each target speaks `dialogue` when given, else its service's own.
// Throws UsageError for a query that cannot be probed, std::runtime_error for an unknown name.
[[nodiscard]] std::vector<probe::Target> make_targets(const Context& context, const services::Table& table,
                                                      const std::string& host,
                                                      std::optional<probe::DialogueKind> dialogue,
                                                      std::span<const std::string> queries);

} // namespace portent::cli
