#pragma once

#include "probe/dialogue/dialogue.hpp"

#include <string>
#include <string_view>

// Helpers shared by the dialogue files; not part of the probe interface.
namespace portent::probe::dialogue_text {

// The bytes up to the first '\n', without it and without a '\r' before it; all of `bytes` when
// there is no '\n'.
[[nodiscard]] std::string_view first_line(std::string_view bytes);

// `bytes` without the '\r' and '\n' at its end.
[[nodiscard]] std::string_view without_line_end(std::string_view bytes);

// Where `bytes` leaves RFC 867's "ASCII printing characters, space, carriage return, and line
// feed": the offset of the first other byte, or npos.
[[nodiscard]] std::size_t first_not_printable_ascii(std::string_view bytes);

// Where `bytes` stops being a line of text: the offset of the first control character other
// than TAB (C0, DEL, or C1 as UTF-8) or of the first byte that is not valid UTF-8, or npos.
[[nodiscard]] std::size_t first_not_text(std::string_view bytes);

// "byte 0x1b at offset 5", for details.
[[nodiscard]] std::string byte_at(std::string_view bytes, std::size_t offset);

// Why an answer that ended this way is not whole: "no complete answer before the deadline", …
[[nodiscard]] std::string unfinished(ReadEnd end);

// The host as it appears in a URL or a Host header: an IPv6 literal in brackets, and the port
// unless it is `default_port`.
[[nodiscard]] std::string host_and_port(std::string_view host, std::uint16_t port,
                                        std::uint16_t default_port);

} // namespace portent::probe::dialogue_text
