#include "cli/text.hpp"

#include "cli/unicode_tables.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace portent::cli {

namespace {

using util::utf8::CodePoint;
using util::utf8::for_each_code_point;

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

bool is_ascii(std::string_view bytes)
{
    return std::ranges::all_of(bytes, [](char byte) { return static_cast<unsigned char>(byte) < 0x80; });
}

std::string valid_utf8(std::string_view bytes)
{
    if (is_ascii(bytes))
        return std::string(bytes);
    std::string out;
    out.reserve(bytes.size());
    for_each_code_point(bytes, [&](const CodePoint& code_point, std::string_view sequence) {
        out += code_point.length == 0 ? std::string_view("\xEF\xBF\xBD") : sequence;
    });
    return out;
}

std::string base64(std::string_view bytes)
{
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t at = 0; at < bytes.size(); at += 3) {
        const std::size_t count = std::min<std::size_t>(3, bytes.size() - at);
        std::uint32_t group = 0;
        for (std::size_t index = 0; index < 3; ++index)
            group = (group << 8U) | (index < count ? static_cast<std::uint8_t>(bytes[at + index]) : 0U);
        for (std::size_t index = 0; index < 4; ++index)
            out += index <= count ? alphabet[(group >> (18 - 6 * index)) & 0x3FU] : '=';
    }
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
