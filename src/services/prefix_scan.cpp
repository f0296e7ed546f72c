#include "services/prefix_scan.hpp"

#include "services/source.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace portent::services {

namespace {

bool has_prefix(const Entry& entry, std::string_view prefix)
{
    return entry.name.starts_with(prefix) || std::ranges::any_of(entry.aliases, [&](std::string_view alias) {
               return alias.starts_with(prefix);
           });
}

// Where `needle` (not empty) is next found in `text` from `from` on; npos when it is not.
// Sixteen positions at once for the needle's first two bytes: glibc's memmem takes a byte at a
// time for short needles, and a two-letter prefix is what a completion mostly asks for.
std::size_t find_from(std::string_view text, std::string_view needle, std::size_t from)
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

// Appends to `found` the lines of `text` (whose first line is number `first_line` of source
// `name`) that make an entry with the prefix, each a part with its line number.
void scan(std::string_view name, Format format, std::string_view text, std::uint32_t first_line,
          std::string_view prefix, std::vector<Table::Part>& found)
{
    std::vector<std::string_view> aliases;
    std::vector<Diagnostic> diagnostics; // the whole table reports them
    Entry entry;
    std::uint32_t number = first_line;
    std::size_t counted = 0; // the lines before this offset are counted in `number`
    for (std::size_t hit = find_from(text, prefix, 0); hit != std::string_view::npos;) {
        const std::size_t previous_newline = hit == 0 ? std::string_view::npos : text.rfind('\n', hit - 1);
        const std::size_t line_start = previous_newline == std::string_view::npos ? 0 : previous_newline + 1;
        const std::size_t line_end = std::min(text.find('\n', hit), text.size());
        number += static_cast<std::uint32_t>(newline_count(text.substr(counted, line_start - counted)));
        counted = line_start;
        const std::string_view line = text.substr(line_start, line_end - line_start);
        aliases.clear();
        diagnostics.clear();
        if (parse_line(line, format, number, 0, aliases, diagnostics, entry)) {
            entry.aliases = aliases;
            if (has_prefix(entry, prefix)) {
                Table::Part match = Table::Part::holding(std::string(name), format, std::string(line));
                match.first_line = number;
                found.push_back(std::move(match));
            }
        }
        hit = line_end < text.size() ? find_from(text, prefix, line_end + 1) : std::string_view::npos;
    }
}

} // namespace

std::optional<Table> prefix_matches(std::span<const Table::Part> parts, std::string_view prefix)
{
    if (prefix.empty())
        return std::nullopt;
    std::vector<Table::Part> found;
    for (const Table::Part& part : parts) {
        const Format format = part.format.value_or(detect_format(part.text));
        if (format == Format::iana_csv)
            return std::nullopt;
        scan(part.name, format, part.text, part.first_line, prefix, found);
    }
    return Table(std::move(found));
}

std::optional<Table> load_prefix_matches(std::span<const std::string> specs, std::optional<Format> format,
                                         std::string_view prefix, std::string* note, std::size_t block_size)
{
    if (prefix.empty())
        return std::nullopt;
    std::vector<Table::Part> found;
    const auto scan_lines = [&](const SourceLines& run) {
        scan(run.name, run.format, run.lines, run.first_line, prefix, found);
        return true;
    };
    if (!scan_sources(specs, format, scan_lines, note, block_size))
        return std::nullopt;
    return Table(std::move(found));
}

} // namespace portent::services
