#pragma once

#include "services/entry.hpp"

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

// What one source parses into. Entries and aliases view `text` (which the caller keeps alive)
// and strings the result owns; moving the result keeps every view valid.
struct ParseResult
{
    std::vector<Entry> entries;
    std::vector<Diagnostic> diagnostics;
    std::vector<std::string_view> alias_storage;
    std::deque<std::string> owned_text; // unescaped CSV fields

    ParseResult() = default;
    ParseResult(ParseResult&&) noexcept = default;
    ParseResult& operator=(ParseResult&&) noexcept = default;
    ParseResult(const ParseResult&) = delete;
    ParseResult& operator=(const ParseResult&) = delete;
};

// Each parser accepts any bytes: bad content becomes diagnostics, never an exception.
[[nodiscard]] ParseResult parse_services(std::string_view text, std::uint32_t source = 0);
[[nodiscard]] ParseResult parse_nmap(std::string_view text, std::uint32_t source = 0);
[[nodiscard]] ParseResult parse_iana_csv(std::string_view text, std::uint32_t source = 0);
[[nodiscard]] ParseResult parse(std::string_view text, Format format, std::uint32_t source = 0);

// Guesses the format from the first record: the IANA header or a 12-column CSV row, an
// nmap-services line (third field a decimal frequency), otherwise services(5).
[[nodiscard]] Format detect_format(std::string_view text);

} // namespace portent::services
