#pragma once

#include "services/table.hpp"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace portent::services {

// Several sources read as one database: the first source listed wins, as it does for glibc's
// getservbyname(3) over one file. A table of one source is shown whole.

// Which entries a view of the table holds (nullptr: every one), such as those a services(5) line
// can hold.
using EntryFilter = bool (*)(const Entry&);

// The ports a port or range query asks for.
struct PortSpan
{
    std::uint16_t first = 0;
    std::uint16_t last = 0;
};

// Of `found`, a query's matches in file order, those that no earlier source already answers:
// an entry of a later source is left out when entries of earlier sources in `found` have its
// protocol and, for a port or range query (`asked`), hold every port of it that was asked for.
[[nodiscard]] std::vector<std::uint32_t>
first_source_wins(const Table& table, std::vector<std::uint32_t> found, std::optional<PortSpan> asked);

// For each of `found` that first_source_wins() keeps for a port or range query, each span of
// the ports `asked` for that it holds and that no earlier source in `found` holds for its
// protocol, in file order: what services(5) lines of the answer say, each port once.
[[nodiscard]] std::vector<std::pair<std::uint32_t, PortSpan>>
first_source_ports(const Table& table, const std::vector<std::uint32_t>& found, PortSpan asked);

// For each entry, whether an earlier source hides it from a list of the whole database: an
// earlier source gives its name (as a name or an alias) for its protocol, or, for an entry
// without a name, holds all of its ports for its protocol. Entries that `accept` leaves out
// neither hide nor are hidden (they are false).
[[nodiscard]] std::vector<bool> hidden_by_earlier_sources(const Table& table, EntryFilter accept = nullptr);

} // namespace portent::services
