#pragma once

#include "services/table.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace portent::services {

// The lines of `parts` whose entry has a name or an alias that starts with `prefix`, each a
// part of its own with its line number, in order: for every name with that prefix,
// names_with_prefix() and find_by_name() answer as they do on Table(parts), without parsing
// and indexing the other lines. Only the lines that hold the prefix are parsed, by the
// parsers' own parse_line(). Nullopt where a scan cannot tell: an empty prefix, or an IANA CSV
// part (records span lines).
[[nodiscard]] std::optional<Table> prefix_matches(std::span<const Table::Part> parts,
                                                  std::string_view prefix);

// The same for the sources load_database() reads, read a block of `block_size` bytes at a time
// (scan_sources()): completing "ht" over the 1 MB nmap-services parses a few dozen lines in a
// block's memory. Nullopt, having read what it read, for an empty prefix and where
// scan_sources() declines (an IANA CSV, a pipe): the caller then loads the whole database.
[[nodiscard]] std::optional<Table> load_prefix_matches(std::span<const std::string> specs,
                                                       std::optional<Format> format, std::string_view prefix,
                                                       std::string* note = nullptr,
                                                       std::size_t block_size = std::size_t{1} << 16U);

} // namespace portent::services
