#pragma once

#include "services/table.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace portent::services {

// The records (lines, or CSV records) of `parts` whose entry has a name or an alias that starts
// with `prefix`, a part for each of `parts` with their line numbers: for every name with that
// prefix, names_with_prefix() and find_by_name() answer as they do on Table(parts), without
// parsing and indexing the other records. Only the records that hold the prefix are parsed, by
// the parsers themselves. Nullopt where a scan cannot tell: an empty prefix, or a prefix with a
// quote and an IANA CSV part (the CSV writes a quote twice).
[[nodiscard]] std::optional<Table> prefix_matches(std::span<const Table::Part> parts,
                                                  std::string_view prefix);

// The same for the sources load_database() reads, read a block of `block_size` bytes at a time
// (scan_sources()): completing "ht" over the 1 MB nmap-services parses a few dozen lines in a
// block's memory. Nullopt, having read what it read, where prefix_matches() gives it and where
// scan_sources() declines (a pipe): the caller then loads the whole database.
[[nodiscard]] std::optional<Table> load_prefix_matches(std::span<const std::string> specs,
                                                       std::optional<Format> format, std::string_view prefix,
                                                       std::string* note = nullptr,
                                                       std::size_t block_size = std::size_t{1} << 16U);

} // namespace portent::services
