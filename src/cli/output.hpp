#pragma once

#include "cli/command.hpp"
#include "services/table.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace portent::cli {

using Row = std::vector<std::string>;

// Aligned columns separated by two spaces, a header line first; every cell is made visible
// (see visible()); the last column is not padded.
void write_table(std::ostream& out, const Row& header, const std::vector<Row>& rows);

// One JSON document followed by a newline; strings must already be valid UTF-8 (valid_utf8()).
void write_json(std::ostream& out, const boost::json::value& document);

// Entries of `table` in the given format: table (SERVICE PORT PROTO ALIASES CLASS COMMENT),
// services (what `getent services` prints) or json (an array of objects).
void write_entries(std::ostream& out, const services::Table& table, std::span<const std::uint32_t> indices,
                   OutputFormat format);

} // namespace portent::cli
