// services(5): NAME PORT/PROTO [ALIAS...] [# COMMENT], a line split as glibc splits it.
#include "services/parse/line_reader.hpp"

#include "util/ascii.hpp"

#include <string>
#include <utility>

namespace portent::services {

using parsing::data_end;
using parsing::find_either;
using util::is_digit;
using util::trim;

namespace {

// A port number as glibc reads it, with strtoul(text, &end, 0): 0x50 is hexadecimal, 0120 octal,
// 80 decimal. `length` is how many bytes it took (0: no number); `value` stops growing past 65535.
struct PortNumber
{
    std::uint32_t value = 0;
    std::size_t length = 0;
    int base = 10;
};

PortNumber read_port_number(std::string_view text)
{
    PortNumber number;
    std::size_t position = 0;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
        util::is_hex_digit(text[2])) {
        number.base = 16;
        position = 2;
    } else if (text.size() > 1 && text[0] == '0' && is_digit(text[1])) {
        number.base = 8;
    }
    for (; position < text.size(); ++position) {
        const char c = text[position];
        int digit = 0;
        if (is_digit(c))
            digit = c - '0';
        else if (number.base == 16 && util::is_hex_digit(c))
            digit = (c | 0x20) - 'a' + 10;
        else
            break;
        if (digit >= number.base)
            break;
        if (number.value <= 65535)
            number.value =
                number.value * static_cast<std::uint32_t>(number.base) + static_cast<std::uint32_t>(digit);
    }
    number.length = position;
    return number;
}

} // namespace

bool may_hold_non_decimal_port(std::string_view text)
{
    // A '0' after white space and before a digit or an 'x' ('X'): the start of such a token.
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t i = 1;
#if defined(__SSE2__)
    // Sixteen positions at once; white space is ' ' or '\t'..'\r', a digit '0'..'9'.
    auto at_most = [](__m128i value, char limit) {
        return _mm_cmpeq_epi8(_mm_min_epu8(value, _mm_set1_epi8(limit)), value);
    };
    for (; i + 17 <= text.size(); i += 16) {
        const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i - 1));
        const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
        const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i + 1));
        const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(before, _mm_set1_epi8(' ')),
                                           at_most(_mm_sub_epi8(before, _mm_set1_epi8('\t')), '\r' - '\t'));
        const __m128i digit_or_x =
            _mm_or_si128(at_most(_mm_sub_epi8(next, _mm_set1_epi8('0')), 9),
                         _mm_cmpeq_epi8(_mm_or_si128(next, _mm_set1_epi8(0x20)), _mm_set1_epi8('x')));
        const __m128i zero = _mm_cmpeq_epi8(here, _mm_set1_epi8('0'));
        if (_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(space, zero), digit_or_x)) != 0)
            return true;
    }
#endif
    for (; i + 1 < text.size(); ++i)
        if (bytes[i] == '0' && is_space(static_cast<char>(bytes[i - 1])) &&
            (is_digit(static_cast<char>(bytes[i + 1])) || (bytes[i + 1] | 0x20U) == 'x'))
            return true;
    return false;
}

namespace {

// Splits one line by glibc's rules into `entry` (all but aliases and frequency): a '#' (or a
// NUL byte, where glibc's C string ends) ends the data; then NAME PORT/PROTO; `rest` is what
// follows PORT/PROTO. False for blank lines and, with a diagnostic, for lines glibc would
// reject or that portent refuses (port over 65535, no /proto). The entry is written in place,
// not returned: a returned struct is built field by field on the stack and copied with wider
// loads, which stall on those stores.
bool split_line(std::string_view line, std::uint32_t line_number, std::vector<Diagnostic>& diagnostics,
                std::uint32_t source, Entry& entry, std::string_view& rest)
{
    auto report = [&](std::string message) {
        diagnostics.push_back({source, line_number, std::move(message)});
        return false;
    };
    const std::size_t cut = data_end(line);
    std::string_view data = line.substr(0, cut);
    std::string_view comment;
    if (cut < line.size() && line[cut] == '#') {
        comment = line.substr(cut + 1);
        comment = trim(comment.substr(0, find_either(comment, '\0', '\0')));
    }
    const std::string_view name = next_token(data);
    if (cut < line.size() && line[cut] == '\0')
        diagnostics.push_back({source, line_number, "NUL byte: the rest of the line is ignored"});
    if (name.empty())
        return false;
    if (!Entry::fits_in_entry(line.size()))
        return report("line longer than 4 GiB");

    std::string_view port_text = next_token(data);
    if (port_text.empty())
        return report(quoted(name) + ": missing port/protocol");
    const PortNumber number = read_port_number(port_text);
    if (number.length == 0 || (number.length < port_text.size() && port_text[number.length] != '/'))
        return report("port " + quoted(port_text) + " is not a number");
    const std::string_view port_digits = port_text.substr(0, number.length);
    const std::uint32_t port = number.value;
    if (port > 65535)
        return report("port " + std::string(port_digits) + " is out of range (0-65535)");
    if (number.length == port_text.size()) {
        std::string_view lookahead = data;
        if (next_token(lookahead).starts_with('/'))
            return report("space between port " + std::string(port_digits) + " and its /protocol");
        return report("missing /protocol after port " + std::string(port_digits));
    }
    // glibc skips every '/' before the protocol.
    std::string_view protocol = port_text.substr(number.length + 1);
    const bool slashes = protocol.starts_with('/');
    while (protocol.starts_with('/'))
        protocol.remove_prefix(1);
    if (protocol.empty())
        return report("empty protocol after " + quoted(port_text));
    if (slashes)
        diagnostics.push_back({source, line_number,
                               "several slashes in " + quoted(port_text) +
                                   ": glibc skips them all and reads the protocol " + quoted(protocol)});
    if (number.base != 10)
        diagnostics.push_back({source, line_number,
                               "port " + quoted(port_digits) + " is read as " +
                                   (number.base == 8 ? "octal" : "hexadecimal") + ": " +
                                   std::to_string(port) + " (as glibc reads it)"});
    entry.set_text(name, protocol, {}, comment);
    entry.set_ports(static_cast<std::uint16_t>(port), static_cast<std::uint16_t>(port));
    entry.set_source(source);
    entry.set_line(line_number);
    rest = data;
    return true;
}

} // namespace

bool parse_line(std::string_view line, Format format, std::uint32_t number, std::uint32_t source,
                std::vector<Diagnostic>& diagnostics, Entry& entry)
{
    std::string_view rest;
    if (!split_line(line, number, diagnostics, source, entry, rest))
        return false;
    if (format != Format::nmap) {
        entry.set_aliases(rest);
        return true;
    }
    parsing::read_open_frequency(rest, number, source, diagnostics, entry);
    return true;
}

ParseResult parsing::parse_lines(std::string_view text, Format format, std::uint32_t source,
                                 std::uint32_t first_line)
{
    ParseResult result;
    result.entries.reserve(parsing::line_count(text));
    parsing::for_each_line(text, first_line, [&](std::string_view line, std::uint32_t number) {
        Entry& entry = result.entries.emplace_back(); // reserved: no reallocation
        if (!parse_line(line, format, number, source, result.diagnostics, entry))
            result.entries.pop_back();
    });
    return result;
}

ParseResult parse_services(std::string_view text, std::uint32_t source, std::uint32_t first_line)
{
    return parsing::parse_lines(text, Format::services, source, first_line);
}

} // namespace portent::services
