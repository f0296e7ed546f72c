#pragma once

// Inside services: what the block scans of load_first_matches() and load_prefix_matches() share,
// finding the lines of a run that hold a needle and parsing those lines alone.

#include "services/parse.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace portent::services::sources {

// Where `needle` is next found in `text` from `from` on; npos when it is not (an empty needle is
// found at `from`). Sixteen positions at once for the needle's first two bytes: glibc's memmem
// takes a byte at a time for short needles, and a two-letter prefix is what a completion mostly
// asks for.
inline std::size_t find_text(std::string_view text, std::string_view needle, std::size_t from)
{
#if defined(__SSE2__)
    if (needle.size() >= 2) {
        const __m128i first = _mm_set1_epi8(needle[0]);
        const __m128i second = _mm_set1_epi8(needle[1]);
        for (; from + 17 <= text.size(); from += 16) {
            const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
            const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from + 1));
            auto mask = static_cast<unsigned>(
                _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, first), _mm_cmpeq_epi8(next, second))));
            for (; mask != 0; mask &= mask - 1) {
                const std::size_t at = from + static_cast<std::size_t>(__builtin_ctz(mask));
                if (text.substr(at).starts_with(needle))
                    return at;
            }
        }
    }
#endif
    if (from > text.size())
        return std::string_view::npos;
    const void* hit = ::memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
    return hit == nullptr ? std::string_view::npos
                          : static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
}

// Calls `visit(line, number)` (the line without its '\n', and its number, the first of `lines`
// being `first_line`) for each line that holds a position `next_hit(from)` gives: the first
// position at or after `from` that matters, npos for none. Each line comes once, in order; the
// walk ends when `visit` returns false or no position is left.
template <typename NextHit, typename Visit>
void for_each_hit_line(std::string_view lines, std::uint32_t first_line, NextHit&& next_hit, Visit&& visit)
{
    std::uint32_t number = first_line;
    std::size_t counted = 0; // the lines before this offset are counted in `number`
    for (std::size_t hit = next_hit(std::size_t{0}); hit != std::string_view::npos;) {
        const std::size_t previous_newline = hit == 0 ? std::string_view::npos : lines.rfind('\n', hit - 1);
        const std::size_t line_start = previous_newline == std::string_view::npos ? 0 : previous_newline + 1;
        const std::size_t line_end = std::min(lines.find('\n', hit), lines.size());
        number += static_cast<std::uint32_t>(newline_count(lines.substr(counted, line_start - counted)));
        counted = line_start;
        if (!visit(lines.substr(line_start, line_end - line_start), number) || line_end >= lines.size())
            return;
        hit = next_hit(line_end + 1);
    }
}

// One line of a services(5) or nmap-services source parsed as the parsers parse it, into an
// entry that stays valid until the next line (diagnostics are left to the whole table).
class LineParser
{
public:
    // The entry of `line`, number `number` of source `source`; nullptr when it makes none.
    const Entry* parse(std::string_view line, Format format, std::uint32_t number, std::uint32_t source)
    {
        aliases_.clear();
        diagnostics_.clear();
        if (!parse_line(line, format, number, source, aliases_, diagnostics_, entry_))
            return nullptr;
        entry_.aliases = aliases_;
        return &entry_;
    }

private:
    std::vector<std::string_view> aliases_;
    std::vector<Diagnostic> diagnostics_;
    Entry entry_;
};

} // namespace portent::services::sources
