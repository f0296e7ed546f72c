#include "services/parse.hpp"

#include "services/line_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace portent::services {

namespace {

constexpr bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

// Removes and returns the next run of non-space bytes; empty when none is left.
inline std::string_view next_token(std::string_view& rest)
{
    const char* position = rest.data();
    const char* const end = position + rest.size();
    while (position < end && is_space(*position))
        ++position;
    const char* const begin = position;
    while (position < end && !is_space(*position))
        ++position;
    rest = std::string_view(position, static_cast<std::size_t>(end - position));
    return {begin, static_cast<std::size_t>(position - begin)};
}

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
        std::isxdigit(static_cast<unsigned char>(text[2]))) {
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
        else if (number.base == 16 && std::isxdigit(static_cast<unsigned char>(c)))
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
    entry.comment = {};
    if (cut < line.size() && line[cut] == '#') {
        std::string_view comment = line.substr(cut + 1);
        comment = comment.substr(0, find_either(comment, '\0', '\0'));
        entry.comment = trim(comment);
    }
    entry.name = next_token(data);
    if (cut < line.size() && line[cut] == '\0')
        diagnostics.push_back({source, line_number, "NUL byte: the rest of the line is ignored"});
    if (entry.name.empty())
        return false;

    std::string_view port_text = next_token(data);
    if (port_text.empty())
        return report(quoted(entry.name) + ": missing port/protocol");
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
    entry.protocol = port_text.substr(number.length + 1);
    const bool slashes = entry.protocol.starts_with('/');
    while (entry.protocol.starts_with('/'))
        entry.protocol.remove_prefix(1);
    if (entry.protocol.empty())
        return report("empty protocol after " + quoted(port_text));
    if (slashes)
        diagnostics.push_back({source, line_number,
                               "several slashes in " + quoted(port_text) +
                                   ": glibc skips them all and reads the protocol " +
                                   quoted(entry.protocol)});
    if (number.base != 10)
        diagnostics.push_back({source, line_number,
                               "port " + quoted(port_digits) + " is read as " +
                                   (number.base == 8 ? "octal" : "hexadecimal") + ": " +
                                   std::to_string(port) + " (as glibc reads it)"});
    entry.port_first = entry.port_last = static_cast<std::uint16_t>(port);
    entry.has_port = true;
    entry.source = source;
    entry.line = line_number;
    rest = data;
    return true;
}

// An upper bound for the number of entries, to allocate once.
std::size_t line_count(std::string_view text)
{
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); // many bytes a step
}

// A plain decimal such as "0.000076" (what nmap-services writes) into `value`; other forms go
// through std::from_chars. False when the whole text is not a number. (A returned optional
// would go through memory and stall on the way back.)
bool read_decimal(std::string_view text, double& value)
{
    constexpr double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    std::uint64_t mantissa = 0;
    std::size_t digits = 0;
    std::size_t fraction_digits = 0;
    bool point = false;
    bool plain = !text.empty() && text.size() <= 16;
    for (std::size_t i = 0; plain && i < text.size(); ++i) {
        if (is_digit(text[i])) {
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
            ++digits;
            fraction_digits += point ? 1 : 0;
        } else if (text[i] == '.' && !point) {
            point = true;
        } else {
            plain = false;
        }
    }
    // Both values are exact doubles (at most 15 digits), so the quotient is correctly rounded.
    if (plain && digits > 0 && digits <= 15) {
        value = static_cast<double>(mantissa) / powers_of_ten[fraction_digits];
        return true;
    }
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    return !text.empty() && error == std::errc() && stop == end;
}

// Entries hold spans into alias_storage; they are set once it no longer grows.
void attach_aliases(ParseResult& result, const std::vector<std::uint32_t>& alias_begin)
{
    for (std::size_t i = 0; i < result.entries.size(); ++i) {
        const std::size_t end = i + 1 < alias_begin.size() ? alias_begin[i + 1] : result.alias_storage.size();
        result.entries[i].aliases = std::span<const std::string_view>(
            result.alias_storage.data() + alias_begin[i], end - alias_begin[i]);
    }
}

} // namespace

std::string_view to_string(Format format)
{
    switch (format) {
    case Format::services: return "services";
    case Format::nmap: return "nmap";
    case Format::iana_csv: return "iana-csv";
    }
    return "";
}

std::optional<Format> format_from_string(std::string_view name)
{
    for (Format format : {Format::services, Format::nmap, Format::iana_csv})
        if (name == to_string(format))
            return format;
    return std::nullopt;
}

bool parse_line(std::string_view line, Format format, std::uint32_t number, std::uint32_t source,
                std::vector<std::string_view>& aliases, std::vector<Diagnostic>& diagnostics, Entry& entry)
{
    // Field by field: zeroing the whole entry first costs more than the rest of the line.
    entry.aliases = {};
    entry.frequency.reset();
    std::string_view rest;
    if (!split_line(line, number, diagnostics, source, entry, rest))
        return false;
    if (format != Format::nmap) {
        for (auto alias = next_token(rest); !alias.empty(); alias = next_token(rest))
            aliases.push_back(alias);
        return true;
    }
    const std::string_view frequency_text = next_token(rest);
    double frequency = 0;
    if (frequency_text.empty())
        diagnostics.push_back({source, number, "missing open-frequency"});
    else if (!read_decimal(frequency_text, frequency) || !(frequency >= 0 && frequency <= 1)) // NaN too
        diagnostics.push_back(
            {source, number, "open-frequency " + quoted(frequency_text) + " is not a number from 0 to 1"});
    else
        entry.frequency = frequency;
    if (!next_token(rest).empty())
        diagnostics.push_back({source, number, "unexpected text after the open-frequency"});
    return true;
}

namespace {

// services(5) and nmap-services: a record a line.
ParseResult parse_lines(std::string_view text, Format format, std::uint32_t source, std::uint32_t first_line)
{
    ParseResult result;
    std::vector<std::uint32_t> alias_begin;
    const std::size_t lines = line_count(text);
    result.entries.reserve(lines);
    alias_begin.reserve(lines);
    for_each_line(text, first_line, [&](std::string_view line, std::uint32_t number) {
        const auto aliases = static_cast<std::uint32_t>(result.alias_storage.size());
        Entry& entry = result.entries.emplace_back(); // reserved: no reallocation
        if (parse_line(line, format, number, source, result.alias_storage, result.diagnostics, entry))
            alias_begin.push_back(aliases);
        else
            result.entries.pop_back();
    });
    attach_aliases(result, alias_begin);
    return result;
}

} // namespace

ParseResult parse_services(std::string_view text, std::uint32_t source, std::uint32_t first_line)
{
    return parse_lines(text, Format::services, source, first_line);
}

ParseResult parse_nmap(std::string_view text, std::uint32_t source, std::uint32_t first_line)
{
    return parse_lines(text, Format::nmap, source, first_line);
}

namespace {

// RFC 4180 reader: fields view the text, or the unescaped copies kept in `owned`.
class CsvReader
{
public:
    CsvReader(std::string_view text, std::uint32_t first_line, std::deque<std::string>& owned)
        : text_(text), owned_(owned), line_(first_line)
    {
    }

    [[nodiscard]] bool done() const { return position_ >= text_.size(); }
    [[nodiscard]] std::uint32_t line() const { return line_; }

    // Reads one record into `fields`; `problem` is set when the record is malformed.
    void read_record(std::vector<std::string_view>& fields, std::string& problem)
    {
        fields.clear();
        problem.clear();
        while (true) {
            fields.push_back(read_field(problem));
            if (done())
                return;
            const char separator = text_[position_++];
            if (separator == '\n') {
                ++line_;
                return;
            }
        }
    }

private:
    std::string_view read_field(std::string& problem)
    {
        if (done() || text_[position_] != '"')
            return read_plain_field();
        const std::size_t begin = ++position_;
        bool escaped = false;
        while (true) {
            const std::size_t quote = text_.find('"', position_);
            const std::size_t stop = quote == std::string_view::npos ? text_.size() : quote;
            for (std::size_t i = position_; i < stop; ++i)
                line_ += text_[i] == '\n' ? 1 : 0;
            if (quote == std::string_view::npos) {
                problem = "unterminated quoted field";
                position_ = text_.size();
                return unescape(text_.substr(begin), escaped);
            }
            if (quote + 1 < text_.size() && text_[quote + 1] == '"') {
                escaped = true;
                position_ = quote + 2;
                continue;
            }
            position_ = quote + 1;
            std::string_view field = unescape(text_.substr(begin, quote - begin), escaped);
            if (!done() && text_[position_] == '\r' && position_ + 1 < text_.size() &&
                text_[position_ + 1] == '\n')
                ++position_;
            if (!done() && text_[position_] != ',' && text_[position_] != '\n') {
                problem = "text after a closing quote";
                read_plain_field();
            }
            return field;
        }
    }

    std::string_view read_plain_field()
    {
        const std::size_t begin = position_;
        while (!done() && text_[position_] != ',' && text_[position_] != '\n')
            ++position_;
        std::string_view field = text_.substr(begin, position_ - begin);
        if (!done() && text_[position_] == '\n' && field.ends_with('\r'))
            field.remove_suffix(1);
        return field;
    }

    std::string_view unescape(std::string_view raw, bool escaped)
    {
        if (!escaped)
            return raw;
        std::string& copy = owned_.emplace_back();
        copy.reserve(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i) {
            copy.push_back(raw[i]);
            if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == '"')
                ++i;
        }
        return copy;
    }

    std::string_view text_;
    std::deque<std::string>& owned_;
    std::uint32_t line_ = 1;
    std::size_t position_ = 0;
};

constexpr std::size_t iana_columns = 12;

// "", "80" or "6000-6063"; false when the text is none of them.
bool parse_port_range(std::string_view text, Entry& entry)
{
    text = trim(text);
    if (text.empty())
        return true;
    auto read_port = [&](std::uint16_t& port) {
        std::uint32_t value = 0;
        auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || stop == text.data() || !is_digit(text.front()) || value > 65535)
            return false;
        port = static_cast<std::uint16_t>(value);
        text.remove_prefix(static_cast<std::size_t>(stop - text.data()));
        return true;
    };
    if (!read_port(entry.port_first))
        return false;
    entry.port_last = entry.port_first;
    if (text.starts_with('-')) {
        text.remove_prefix(1);
        if (!read_port(entry.port_last) || entry.port_last < entry.port_first)
            return false;
    }
    entry.has_port = true;
    return text.empty();
}

} // namespace

ParseResult parse_iana_csv(std::string_view text, std::uint32_t source, std::uint32_t first_line)
{
    ParseResult result;
    CsvReader reader(text, first_line, result.owned_text);
    std::vector<std::string_view> fields;
    std::string problem;
    bool first = true;
    while (!reader.done()) {
        const std::uint32_t number = reader.line();
        reader.read_record(fields, problem);
        if (!problem.empty())
            result.diagnostics.push_back({source, number, problem});
        if (std::exchange(first, false) && fields[0] == "Service Name")
            continue;
        if (fields.size() == 1 && trim(fields[0]).empty())
            continue;
        if (fields.size() != iana_columns)
            result.diagnostics.push_back(
                {source, number, "expected 12 columns, found " + std::to_string(fields.size())});
        if (fields.size() < 3)
            continue;
        Entry entry;
        entry.name = trim(fields[0]);
        entry.protocol = trim(fields[2]);
        entry.comment = fields.size() > 3 ? trim(fields[3]) : std::string_view();
        entry.source = source;
        entry.line = number;
        if (!parse_port_range(fields[1], entry)) {
            result.diagnostics.push_back(
                {source, number, "port " + quoted(fields[1]) + " is neither a port nor a range LO-HI"});
            continue;
        }
        result.entries.push_back(entry);
    }
    return result;
}

ParseResult parse(std::string_view text, Format format, std::uint32_t source, std::uint32_t first_line)
{
    if (format == Format::iana_csv)
        return parse_iana_csv(text, source, first_line);
    return parse_lines(text, format, source, first_line);
}

namespace {

// The first line of `text` that is neither blank nor a comment, trimmed: the one that decides
// the format.
std::optional<std::string_view> deciding_line(std::string_view text)
{
    while (!text.empty()) {
        const std::size_t newline = text.find('\n');
        const std::string_view content = trim(text.substr(0, newline));
        if (!content.empty() && !content.starts_with('#'))
            return content;
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    }
    return std::nullopt;
}

} // namespace

bool enough_to_detect_format(std::string_view prefix)
{
    if (prefix.size() >= format_detection_size)
        return true;
    // Whole lines only: the last one may go on past the prefix.
    const std::size_t whole = prefix.rfind('\n');
    return whole != std::string_view::npos && deciding_line(prefix.substr(0, whole));
}

Format detect_format(std::string_view text)
{
    const std::optional<std::string_view> content = deciding_line(text.substr(0, format_detection_size));
    if (!content)
        return Format::services;
    // Commas in a services(5) comment do not make a CSV row.
    const std::string_view data = content->substr(0, content->find('#'));
    if (content->starts_with("Service Name,Port Number") ||
        std::count(data.begin(), data.end(), ',') >= static_cast<long>(iana_columns - 1))
        return Format::iana_csv;
    std::string_view rest = *content;
    next_token(rest);
    const std::string_view port = next_token(rest);
    const std::string_view frequency = next_token(rest);
    double value = 0;
    const bool nmap_like = port.find('/') != std::string_view::npos &&
                           frequency.find('.') != std::string_view::npos && read_decimal(frequency, value);
    return nmap_like ? Format::nmap : Format::services;
}

std::optional<std::string> format_mismatch(std::string_view text, Format format)
{
    const std::optional<std::string_view> content = deciding_line(text.substr(0, format_detection_size));
    const bool csv = detect_format(text) == Format::iana_csv;
    if (!content || csv == (format == Format::iana_csv))
        return std::nullopt;
    if (csv)
        return "its first record is a row of the IANA CSV (read it with --db-format iana-csv)";
    const auto fields = 1 + std::count(content->begin(), content->end(), ',');
    return "its first record is not a CSV row of " + std::to_string(iana_columns) + " fields but " +
           (fields == 1 ? std::string("a line without commas")
                        : "one of " + std::to_string(fields) + " fields");
}

std::string format_ports(const Entry& entry)
{
    if (!entry.has_port)
        return {};
    std::string text = std::to_string(entry.port_first);
    if (entry.is_range()) {
        text.push_back('-');
        text.append(std::to_string(entry.port_last));
    }
    return text;
}

} // namespace portent::services
