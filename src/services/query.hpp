#pragma once

#include "services/merge.hpp"
#include "services/table.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portent::services {

// One key of the lookup grammar: NAME | NAME/PROTO | PORT | PORT/PROTO | LO-HI | LO-HI/PROTO.
struct Query
{
    enum class Kind
    {
        name,
        port,
        range
    };

    Kind kind = Kind::name;
    std::string name;             // kind == name
    std::uint16_t port_first = 0; // kind == port or range
    std::uint16_t port_last = 0;
    std::optional<std::string> protocol; // the text after the first '/', when there is one
    // For a name written like a range that cannot be one (LO > HI, a port over 65535): why not.
    std::string not_a_range;

    // Every matching entry that `accept` takes, in file order, but those of a later source
    // that an earlier one already answers (first_source_wins()). A range LO-HI is first
    // looked up as a name, as getent does: a service named "6000-6063" is found by that name.
    [[nodiscard]] std::vector<std::uint32_t> find_in(const Table& table, EntryFilter accept = nullptr) const;
    // The first matching entry in file order that `accept` takes: what getent services KEY prints.
    [[nodiscard]] std::optional<std::uint32_t> first_in(const Table& table,
                                                        EntryFilter accept = nullptr) const;
    // Whether `entry` has the query's name, as its name or an alias (a range LO-HI may be a name).
    [[nodiscard]] bool names(const Entry& entry) const;
    // The ports of `entry`, a match, that the query asks for: all of them for a name.
    [[nodiscard]] PortSpan asked_ports(const Entry& entry) const;
    // Whether a name or port query finds `entry` in a table (its name or an alias, its port or
    // range, and the protocol); a range query asks the whole table and is never answered here.
    [[nodiscard]] bool matches(const Entry& entry) const;
};

// Reads a key as getent(1) does: the text after the first '/' is the protocol; the rest is a
// port when it starts with a digit, is all digits and is at most 65535, a range when it is
// LO-HI with LO <= HI, and otherwise a name. Never fails: anything else is a name (digits-digits
// that is no range says why in not_a_range).
[[nodiscard]] Query parse_query(std::string_view text);

} // namespace portent::services
