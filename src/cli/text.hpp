#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace portent::cli {

// The text with every character that could drive a terminal or hide itself written as an
// escape: C0 controls and DEL (\n, \t, \r, \e, \xNN), C1 controls and bytes that are not part
// of valid UTF-8 (\xNN for each byte), format characters, line and paragraph separators
// (Unicode Cf, Zl, Zp: bidirectional overrides, zero-width characters, the byte-order mark;
// \uNNNN or \UNNNNNNNN). Every other character of valid UTF-8 is kept as it is.
[[nodiscard]] std::string visible(std::string_view bytes);

// The text with each byte that is not part of valid UTF-8 replaced by U+FFFD (for JSON).
[[nodiscard]] std::string valid_utf8(std::string_view bytes);

// Whether every byte is ASCII (below 0x80): valid_utf8() then keeps the text as it is.
[[nodiscard]] bool is_ascii(std::string_view bytes);

// The bytes in base64 (RFC 4648, with padding): for JSON, when valid_utf8() would change them.
[[nodiscard]] std::string base64(std::string_view bytes);

// Columns the text takes on a terminal: two for East Asian wide characters and most emoji,
// none for combining marks, one for the rest (and for each byte that is not UTF-8).
[[nodiscard]] std::size_t display_width(std::string_view utf8);

// The text when it fits in `columns`, otherwise as much of it as fits before a closing "…".
[[nodiscard]] std::string fit_width(std::string_view utf8, std::size_t columns);

} // namespace portent::cli
