#pragma once

// Inside the parsers of services(5) and nmap-services: the shared line reader, a record a line,
// read field by field as glibc splits it.

#include "services/line_text.hpp"
#include "services/parse.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace portent::services::parsing {

// The position of the first `a` or `b` in `text`, text.size() when there is neither: a few
// bytes of a line, where a call to memchr costs more than the search.
inline std::size_t find_either(std::string_view text, char a, char b)
{
    const char* const data = text.data();
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128i first = _mm_set1_epi8(a);
    const __m128i second = _mm_set1_epi8(b);
    for (; i + 16 <= text.size(); i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
        const int found =
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, first), _mm_cmpeq_epi8(bytes, second)));
        if (found != 0)
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(found)));
    }
#endif
    for (; i < text.size(); ++i)
        if (data[i] == a || data[i] == b)
            return i;
    return text.size();
}

// Where the data of a services line ends: at the first '#', or at a NUL byte (where glibc's C
// string ends); line.size() when there is neither.
inline std::size_t data_end(std::string_view line)
{
    return find_either(line, '#', '\0');
}

// Calls `handle(line, number)` for each line, without its '\n'; the first is number `first_line`.
template <typename Handler>
void for_each_line(std::string_view text, std::uint32_t first_line, Handler&& handle)
{
    std::uint32_t number = first_line - 1;
    while (!text.empty()) {
        ++number;
        const void* newline = std::memchr(text.data(), '\n', text.size());
        const std::size_t length =
            newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - text.data()) : text.size();
        handle(text.substr(0, length), number);
        text.remove_prefix(newline ? length + 1 : length);
    }
}

// An upper bound for the number of entries, to allocate once.
inline std::size_t line_count(std::string_view text)
{
    return 1 + newline_count(text);
}

// A plain decimal such as "0.000076" (what nmap-services writes) into `value`; other forms go
// through std::from_chars. False when the whole text is not a number.
bool read_decimal(std::string_view text, double& value);

// services(5) and nmap-services: a record a line (parse_line() on each).
[[nodiscard]] ParseResult parse_lines(std::string_view text, Format format, std::uint32_t source,
                                      std::uint32_t first_line);

// An nmap-services line's fields after PORT/PROTO, in `rest`: the open-frequency into `entry`,
// problems to `diagnostics`.
void read_open_frequency(std::string_view rest, std::uint32_t number, std::uint32_t source,
                         std::vector<Diagnostic>& diagnostics, Entry& entry);

} // namespace portent::services::parsing
