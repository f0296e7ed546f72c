#pragma once

#include "services/table.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace portent::services {

// For `search`: the sources load_database() reads, read a block of `block_size` bytes at a time
// (scan_sources()), and a table of the records (lines, or CSV records) that hold every word of
// `text` in any case, a part for each source with their line numbers, so that
// search(text, protocol) answers on it as on load_database(). Only the records that hold the
// longest word are looked at. Nullopt where a scan cannot tell: several sources (an earlier one
// may hide an entry by a name that holds no word), no word, a word with a quote in an IANA CSV
// (the CSV writes a quote twice), a pipe, and when nothing matches (the whole database then
// tells why). Unreadable sources are errors (SourceError), as in load_database().
[[nodiscard]] std::optional<Table> load_search_matches(std::span<const std::string> specs,
                                                       std::optional<Format> format, std::string_view text,
                                                       ProtocolFilter protocol, std::string* note = nullptr,
                                                       std::size_t block_size = std::size_t{1} << 16U);

} // namespace portent::services
