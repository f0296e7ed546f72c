#pragma once

#include "services/entry.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portent::services {

enum class Format
{
    services, // services(5): name port/proto [alias...] [# comment]
    nmap,     // nmap-services: name<TAB>port/proto<TAB>open-frequency [# comment]
    iana_csv  // the IANA registry CSV (RFC 4180, 12 columns)
};

// Every format, in the order --db-format lists them.
inline constexpr std::array formats = {Format::services, Format::nmap, Format::iana_csv};

[[nodiscard]] std::string_view to_string(Format format);
// "services", "nmap" or "iana-csv"; nullopt for anything else.
[[nodiscard]] std::optional<Format> format_from_string(std::string_view name);

// A problem in the content of a source: the line is skipped (or partly used) and parsing goes on.
struct Diagnostic
{
    std::uint32_t source = 0;
    std::uint32_t line = 0;
    std::string message;
};

// What one source parses into. Entries view `text` (which the caller keeps alive)
// and strings the result owns; moving the result keeps every view valid.
struct ParseResult
{
    std::vector<Entry> entries;
    std::vector<Diagnostic> diagnostics;
    std::deque<std::string> owned_text; // unescaped CSV fields

    ParseResult() = default;
    ParseResult(ParseResult&&) noexcept = default;
    ParseResult& operator=(ParseResult&&) noexcept = default;
    ParseResult(const ParseResult&) = delete;
    ParseResult& operator=(const ParseResult&) = delete;
};

// Each parser accepts any bytes: bad content becomes diagnostics, never an exception. Entries
// and diagnostics name `source`; the text's first line is number `first_line` (a text may be
// a part of a file).
[[nodiscard]] ParseResult parse_services(std::string_view text, std::uint32_t source = 0,
                                         std::uint32_t first_line = 1);
[[nodiscard]] ParseResult parse_nmap(std::string_view text, std::uint32_t source = 0,
                                     std::uint32_t first_line = 1);
[[nodiscard]] ParseResult parse_iana_csv(std::string_view text, std::uint32_t source = 0,
                                         std::uint32_t first_line = 1);
[[nodiscard]] ParseResult parse(std::string_view text, Format format, std::uint32_t source = 0,
                                std::uint32_t first_line = 1);

// One line (without its '\n') of a services(5) or nmap-services source, as the parsers read
// it: whether it makes an entry, which is then in `entry` (its aliases view the line); problems
// are appended to `diagnostics`.
[[nodiscard]] bool parse_line(std::string_view line, Format format, std::uint32_t number,
                              std::uint32_t source, std::vector<Diagnostic>& diagnostics, Entry& entry);

// The number of '\n' in `text`.
[[nodiscard]] std::size_t newline_count(std::string_view text);

// Whether `text` may hold a port that glibc reads as octal or hexadecimal (010, 0x50): a port
// written otherwise holds its decimal digits.
[[nodiscard]] bool may_hold_non_decimal_port(std::string_view text);

// How much of a text detect_format() looks at.
inline constexpr std::size_t format_detection_size = std::size_t{1} << 16U;

// Guesses the format from the first record: the IANA header or a 12-column CSV row, an
// nmap-services line (third field a decimal frequency), otherwise services(5).
[[nodiscard]] Format detect_format(std::string_view text);
// Why `text` is plainly not in `format`, when a user names the format (--db-format): its first
// record is no IANA CSV row for iana_csv, or is one for the others; nullopt when it may be.
// Like detect_format(), it looks at the first format_detection_size bytes.
[[nodiscard]] std::optional<std::string> format_mismatch(std::string_view text, Format format);
// Whether the start of a text is enough for detect_format() to decide as it would on the
// whole text: it holds the deciding line whole, or format_detection_size bytes.
[[nodiscard]] bool enough_to_detect_format(std::string_view prefix);

} // namespace portent::services
