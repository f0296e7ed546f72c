#include "cli/text.hpp"

#include "cli/unicode_tables.hpp"

#include <cstdint>

namespace portent::cli {

namespace {

struct CodePoint
{
    std::uint32_t value = 0;
    std::size_t length = 0; // bytes of its UTF-8 sequence; 0: the bytes are not valid UTF-8
};

// The code point whose valid UTF-8 sequence starts `bytes` (not empty), or length 0.
CodePoint decode(std::string_view bytes)
{
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
    const std::uint8_t lead = byte(0);
    if (lead < 0x80)
        return {lead, 1};
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = lead & 0x1FU;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = lead & 0x0FU;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = lead & 0x07U;
    } else {
        return {};
    }
    if (bytes.size() < length)
        return {};
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0U) != 0x80)
            return {};
        code_point = (code_point << 6U) | (byte(i) & 0x3FU);
    }
    const bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF)
        return {};
    return {code_point, length};
}

// Calls `visit(code_point, sequence)` for each code point of `bytes`, in order; a byte that does
// not start a valid UTF-8 sequence comes alone, with length 0.
template <typename Visit> void for_each_code_point(std::string_view bytes, Visit&& visit)
{
    while (!bytes.empty()) {
        const CodePoint code_point = decode(bytes);
        const std::size_t length = code_point.length == 0 ? 1 : code_point.length;
        visit(code_point, bytes.substr(0, length));
        bytes.remove_prefix(length);
    }
}

void append_hex(std::string& out, std::uint32_t value, int digits)
{
    constexpr char hex[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        out += hex[(value >> static_cast<unsigned>(shift)) & 0xFU];
}

void append_escape(std::string& out, const CodePoint& code_point, std::string_view sequence)
{
    switch (code_point.value) {
    case '\n': out += "\\n"; return;
    case '\t': out += "\\t"; return;
    case '\r': out += "\\r"; return;
    case 0x1B: out += "\\e"; return;
    default: break;
    }
    if (code_point.value >= 0xA0) { // a format character or a separator: its code point
        out += code_point.value > 0xFFFF ? "\\U" : "\\u";
        append_hex(out, code_point.value, code_point.value > 0xFFFF ? 8 : 4);
        return;
    }
    for (const char byte : sequence) { // C0, DEL, C1, or bytes that are not UTF-8
        out += "\\x";
        append_hex(out, static_cast<std::uint8_t>(byte), 2);
    }
}

bool shown_as_escape(const CodePoint& code_point)
{
    const std::uint32_t value = code_point.value;
    return code_point.length == 0 || value < 0x20 || (value >= 0x7F && value < 0xA0) ||
           (value >= 0xA0 && unicode::in(unicode::format_or_separator(), value));
}

std::size_t columns_of(std::uint32_t code_point)
{
    if (code_point < 0x300)
        return 1;
    if (unicode::in(unicode::zero_width(), code_point))
        return 0;
    return unicode::in(unicode::wide(), code_point) ? 2 : 1;
}

} // namespace

std::string visible(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    for_each_code_point(bytes, [&](const CodePoint& code_point, std::string_view sequence) {
        if (shown_as_escape(code_point))
            append_escape(out, code_point, sequence);
        else
            out += sequence;
    });
    return out;
}

std::string valid_utf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    for_each_code_point(bytes, [&](const CodePoint& code_point, std::string_view sequence) {
        out += code_point.length == 0 ? std::string_view("\xEF\xBF\xBD") : sequence;
    });
    return out;
}

std::size_t display_width(std::string_view utf8)
{
    std::size_t width = 0;
    for_each_code_point(utf8, [&](const CodePoint& code_point, std::string_view) {
        width += code_point.length == 0 ? 1 : columns_of(code_point.value);
    });
    return width;
}

std::string fit_width(std::string_view utf8, std::size_t columns)
{
    if (display_width(utf8) <= columns)
        return std::string(utf8);
    std::string out;
    if (columns == 0)
        return out;
    std::size_t width = 0;
    bool full = false;
    for_each_code_point(utf8, [&](const CodePoint& code_point, std::string_view sequence) {
        const std::size_t more = code_point.length == 0 ? 1 : columns_of(code_point.value);
        full = full || width + more > columns - 1; // one column is kept for the ellipsis
        if (full)
            return;
        width += more;
        out += sequence;
    });
    return out + "\u2026";
}

} // namespace portent::cli
