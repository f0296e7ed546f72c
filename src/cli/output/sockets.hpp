#pragma once

#include "cli/command.hpp"
#include "local/naming.hpp"

#include <cstddef>
#include <iosfwd>
#include <span>

namespace portent::cli {

// The sockets of `portent local`: a table (LISTEN, or LOCAL with `all`, REMOTE, STATE, SERVICE,
// PROCESS, USER, COMMENT; at most `max_width` columns, see write_table()), one JSON array, or
// JSON lines (jsonl).
void write_sockets(std::ostream& out, OutputFormat format, std::span<const local::NamedSocket> sockets,
                   bool all, std::size_t max_width);

} // namespace portent::cli
