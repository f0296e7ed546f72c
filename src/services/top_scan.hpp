#pragma once

#include "services/merge.hpp"
#include "services/table.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace portent::services {

// What `list --top N` shows of a database, and what it says it left out.
struct MostFrequent
{
    Table table;              // the entries shown, in file order
    std::size_t left_out = 0; // entries of the protocol asked for that `accept` does not take
};

// For `list --top N`: reads the one source load_database() reads a block of `block_size` bytes at
// a time (scan_sources()), parsing each record without keeping it, and returns a table of the
// `count` entries with the highest open-frequency (the earlier first among equals) of those with
// `protocol` (any when nullopt) that `accept` takes (every one when nullptr): the entries that
// the whole database lists first, sorted by frequency. Memory is a block and those entries.
// Nullopt where the whole database must tell: several sources (an earlier one hides entries of
// later ones), no entry with the protocol, no entry with a frequency to list, a frequency that
// is not a number, or a pipe. Unreadable sources are errors (SourceError).
[[nodiscard]] std::optional<MostFrequent> load_most_frequent(std::span<const std::string> specs,
                                                             std::optional<Format> format, std::size_t count,
                                                             ProtocolFilter protocol, EntryFilter accept,
                                                             std::string* note = nullptr,
                                                             std::size_t block_size = std::size_t{1} << 16U);

} // namespace portent::services
