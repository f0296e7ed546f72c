#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace portent::cli {

// The text with every control character (C0, DEL, C1) and every byte that is not part of valid
// UTF-8 written as an escape (\n, \t, \r, \e, \xNN), so that printing it cannot drive a
// terminal. Valid printable UTF-8 is kept as it is.
[[nodiscard]] std::string visible(std::string_view bytes);

// The text with each byte that is not part of valid UTF-8 replaced by U+FFFD (for JSON).
[[nodiscard]] std::string valid_utf8(std::string_view bytes);

// Columns the text takes on a terminal: one per code point (the text is valid UTF-8).
[[nodiscard]] std::size_t display_width(std::string_view utf8);

} // namespace portent::cli
