#pragma once

// The properties every parser keeps on any bytes (parse.hpp): no exception, and entries and
// diagnostics that stay within the text: their line numbers among its lines, their views inside
// the text or inside strings the result owns, ports in order.

#include "fuzz_check.hpp"
#include "services/parse.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace portent::fuzz {

inline bool inside(std::string_view part, std::string_view whole)
{
    return part.empty() || (std::less_equal<>()(whole.data(), part.data()) &&
                            std::less_equal<>()(part.data() + part.size(), whole.data() + whole.size()));
}

inline bool owned(std::string_view part, std::string_view text, const services::ParseResult& result)
{
    if (inside(part, text))
        return true;
    for (const std::string& piece : result.owned_text)
        if (inside(part, piece))
            return true;
    return false;
}

// Parses `text` in `format` as part of source 3 whose first line is 7, and checks the result.
inline void check_parse(std::string_view text, services::Format format)
{
    constexpr std::uint32_t source = 3;
    constexpr std::uint32_t first_line = 7;
    const services::ParseResult result = services::parse(text, format, source, first_line);
    const auto last_line = static_cast<std::uint32_t>(first_line + services::newline_count(text));
    for (const services::Entry& entry : result.entries) {
        const std::string where =
            "entry at line " + std::to_string(entry.line()) + ": " + std::string(entry.name());
        require(entry.source() == source, "an entry names another source", where);
        require(entry.line() >= first_line && entry.line() <= last_line,
                "an entry's line is outside the text", where);
        require(entry.port_first() <= entry.port_last(), "an entry's range is reversed", where);
        require(entry.has_port() || (entry.port_first() == 0 && entry.port_last() == 0),
                "a port without has_port", where);
        require(owned(entry.name(), text, result) && owned(entry.protocol(), text, result) &&
                    owned(entry.comment(), text, result),
                "an entry's text is outside the text and the result", where);
        for (std::string_view alias : entry.aliases())
            require(owned(alias, text, result), "an alias is outside the text and the result", where);
    }
    for (const services::Diagnostic& diagnostic : result.diagnostics) {
        require(diagnostic.source == source, "a diagnostic names another source", diagnostic.message);
        require(diagnostic.line >= first_line && diagnostic.line <= last_line,
                "a diagnostic's line is outside the text", diagnostic.message);
        require(!diagnostic.message.empty(), "a diagnostic without a message");
    }
}

} // namespace portent::fuzz
