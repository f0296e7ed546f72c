#pragma once

// Inside services: what the block scans (load_first_matches(), load_all_matches(),
// load_prefix_matches(), load_search_matches()) share: finding the lines, or CSV records, of a
// run that hold a needle, and parsing those records alone.

#include "services/parse.hpp"
#include "services/parse/iana_csv.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace portent::services::sources {

// The first position from `from` on where `found_at(position)` holds, tried only where the
// needle's first two bytes are, sixteen positions at once: each byte of the text is OR-ed with
// `fold` (0, or 0x20 for a lower-case letter, which then matches in either case) before it is
// compared. `from` is left where the sixteen-byte steps stop, for a caller to try the rest.
template <typename FoundAt>
std::size_t find_by_first_two(std::string_view text, std::string_view needle, std::size_t& from,
                              std::array<char, 2> fold, FoundAt&& found_at)
{
#if defined(__SSE2__)
    if (needle.size() >= 2) {
        const __m128i first = _mm_set1_epi8(needle[0]);
        const __m128i second = _mm_set1_epi8(needle[1]);
        const __m128i first_fold = _mm_set1_epi8(fold[0]);
        const __m128i second_fold = _mm_set1_epi8(fold[1]);
        for (; from + 17 <= text.size(); from += 16) {
            const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
            const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from + 1));
            auto mask = static_cast<unsigned>(
                _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(here, first_fold), first),
                                                _mm_cmpeq_epi8(_mm_or_si128(next, second_fold), second))));
            for (; mask != 0; mask &= mask - 1) {
                const std::size_t at = from + static_cast<std::size_t>(__builtin_ctz(mask));
                if (found_at(at))
                    return at;
            }
        }
    }
#else
    (void)text, (void)needle, (void)from, (void)fold, (void)found_at;
#endif
    return std::string_view::npos;
}

// Where `needle` is next found in `text` from `from` on; npos when it is not (an empty needle is
// found at `from`). glibc's memmem takes a byte at a time for short needles, and a two-letter
// prefix is what a completion mostly asks for: find_by_first_two() first.
inline std::size_t find_text(std::string_view text, std::string_view needle, std::size_t from)
{
    const std::size_t found = find_by_first_two(
        text, needle, from, {0, 0}, [&](std::size_t at) { return text.substr(at).starts_with(needle); });
    if (found != std::string_view::npos || from > text.size())
        return found;
    // memmem() must not be given a null pointer, which an empty view may hold.
    if (needle.empty())
        return from;
    if (needle.size() > text.size() - from)
        return std::string_view::npos;
    const void* hit = ::memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
    return hit == nullptr ? std::string_view::npos
                          : static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
}

// Where `lower_case_needle` (already in lower case) is next found in `text` from `from` on,
// ignoring the ASCII case of `text`; npos when it is not.
inline std::size_t find_text_ignoring_case(std::string_view text, std::string_view lower_case_needle,
                                           std::size_t from)
{
    const auto found_at = [&](std::size_t at) {
        return std::ranges::equal(text.substr(at, lower_case_needle.size()), lower_case_needle,
                                  [](char x, char lower) { return util::to_lower(x) == lower; });
    };
    const auto fold = [&](std::size_t index) -> char {
        const char c = index < lower_case_needle.size() ? lower_case_needle[index] : '\0';
        return c >= 'a' && c <= 'z' ? 0x20 : 0;
    };
    const std::size_t found = find_by_first_two(text, lower_case_needle, from, {fold(0), fold(1)}, found_at);
    if (found != std::string_view::npos)
        return found;
    for (; from + lower_case_needle.size() <= text.size(); ++from)
        if (found_at(from))
            return from;
    return std::string_view::npos;
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

// The same for the records of an IANA CSV run (whole records, as LineBlocks hands them out):
// a record is found from the start of the run on, since only the quotes before a newline
// tell whether it ends one. `visit` gets the record without its last '\n' and the number of
// its first line.
template <typename NextHit, typename Visit>
void for_each_hit_csv_record(std::string_view records, std::uint32_t first_line, NextHit&& next_hit,
                             Visit&& visit)
{
    std::uint32_t number = first_line;
    std::size_t counted = 0; // the lines before this offset are counted in `number`
    for (std::size_t hit = next_hit(std::size_t{0}); hit < records.size();) {
        const std::size_t start = csv_record_start(records, counted, hit);
        const std::size_t end = std::min(csv_record_end(records, start), records.size());
        number += static_cast<std::uint32_t>(newline_count(records.substr(counted, start - counted)));
        counted = start;
        if (!visit(records.substr(start, end - start), number) || end >= records.size())
            return;
        hit = next_hit(end + 1);
    }
}

// for_each_hit_line(), or for_each_hit_csv_record() for an IANA CSV.
template <typename NextHit, typename Visit>
void for_each_hit_record(std::string_view records, Format format, std::uint32_t first_line,
                         NextHit&& next_hit, Visit&& visit)
{
    if (format == Format::iana_csv)
        for_each_hit_csv_record(records, first_line, next_hit, visit);
    else
        for_each_hit_line(records, first_line, next_hit, visit);
}

// A record of a services(5), nmap-services or IANA CSV source parsed as the parsers parse it,
// into an entry that stays valid until the next record (diagnostics are left to the whole
// table).
class RecordParser
{
public:
    // The entry of `record` (a line, or a CSV record, without its last '\n'), whose first line
    // is number `number` of source `source`; nullptr when it makes none.
    const Entry* parse(std::string_view record, Format format, std::uint32_t number, std::uint32_t source)
    {
        if (format == Format::iana_csv) {
            csv_ = parse_iana_csv(record, source, number);
            return csv_.entries.empty() ? nullptr : &csv_.entries.front();
        }
        diagnostics_.clear();
        if (!parse_line(record, format, number, source, diagnostics_, entry_))
            return nullptr;
        return &entry_;
    }

private:
    std::vector<Diagnostic> diagnostics_;
    Entry entry_;
    ParseResult csv_;
};

} // namespace portent::services::sources
