#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace portent::services::parsing {

// The columns of a row of the IANA registry CSV.
inline constexpr std::size_t iana_columns = 12;

} // namespace portent::services::parsing

namespace portent::services {

// Where the CSV record that starts at `start` of `text` ends, as parse_iana_csv() reads it:
// the position of the '\n' that ends it (a newline inside a quoted field does not), or npos
// when `text` ends before it is known: within the record, or right after a quote, which may be
// the first of an escaped pair.
[[nodiscard]] std::size_t csv_record_end(std::string_view text, std::size_t start);

// The start of the CSV record that holds `position` of `text` (at most text.size()), the records
// being read from `start` on, which starts one: only the quotes are looked at one by one.
[[nodiscard]] std::size_t csv_record_start(std::string_view text, std::size_t start, std::size_t position);

// Whether the entry of a CSV record (without its last '\n') may hold `port`: false only when
// its port field, read as parse_iana_csv() reads it, is empty or a port or range without it.
[[nodiscard]] bool csv_record_may_hold_port(std::string_view record, std::uint16_t port);

// The name of the entry of a CSV record (without its last '\n') when its name field is plain,
// trimmed as parse_iana_csv() trims it; nullopt when it is quoted (the parser unescapes it).
// IANA entries have no aliases: a record whose plain name does not fit a query is not parsed.
[[nodiscard]] std::optional<std::string_view> csv_plain_name(std::string_view record);

} // namespace portent::services
