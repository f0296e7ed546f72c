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

// Why an answer that ended this way is not whole: "no complete answer before the deadline", …
[[nodiscard]] std::string unfinished(ReadEnd end);

// The host as it appears in a URL or a Host header: an IPv6 literal in brackets, and the port
// unless it is `default_port`.
[[nodiscard]] std::string host_and_port(std::string_view host, std::uint16_t port,
                                        std::uint16_t default_port);

} // namespace portent::probe::dialogue_text

// HTTP/1.1, shared by the http and https dialogues.
namespace portent::probe::http_exchange {

// GET / with Host, User-Agent and Connection: close.
[[nodiscard]] std::string request(std::string_view host, std::uint16_t port, std::uint16_t default_port);

// True once the header block has ended (an empty line).
[[nodiscard]] bool headers_complete(std::string_view received);

// Passed when the answer starts with a whole HTTP status line; the answer is that line and
// the detail names the Server header when there is one.
[[nodiscard]] Judgement judge(const Reception& reception);

} // namespace portent::probe::http_exchange
