#pragma once

#include "probe/dialogue/dialogue.hpp"

#include <chrono>
#include <cstdint>
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

// The unsigned number that `bytes` (at most 8 of them) hold in network order, the most
// significant byte first; 0 for none.
[[nodiscard]] constexpr std::uint64_t big_endian(std::string_view bytes)
{
    std::uint64_t value = 0;
    for (const char byte : bytes)
        value = (value << 8U) | static_cast<unsigned char>(byte);
    return value;
}

// Appends the low `width` bytes of `value` to `bytes` in network order, the most significant first.
inline void append_big_endian(std::string& bytes, std::uint64_t value, std::size_t width)
{
    while (width-- > 0)
        bytes += static_cast<char>((value >> (8U * width)) & 0xFFU);
}

// Seconds from 1900-01-01 to 1970-01-01: where RFC 868 and NTP (RFC 5905) count from.
inline constexpr std::int64_t seconds_from_1900_to_1970 = 2'208'988'800;

// RFC 868 and NTP count seconds since 1900 in 32 bits, which wrap on 2036-02-07. A count that
// would fall before 1970 is read as one after the wrap: no live clock is set before 1970.
[[nodiscard]] std::chrono::sys_seconds instant_of_1900_seconds(std::uint32_t seconds_since_1900);

// A number no one can guess from the last one, for the IDs of UDP requests: a reply must carry
// it back, so that a stray or spoofed datagram is not taken for the answer.
[[nodiscard]] std::uint32_t random_number();

} // namespace portent::probe::dialogue_text
