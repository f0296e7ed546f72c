#include "cli/text.hpp"

#include <cstdint>

namespace portent::cli {

namespace {

// Length of the valid UTF-8 sequence at the start of `bytes` (1–4), or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view bytes)
{
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
    const std::uint8_t lead = byte(0);
    if (lead < 0x80)
        return 1;
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
        return 0;
    }
    if (bytes.size() < length)
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0U) != 0x80)
            return 0;
        code_point = (code_point << 6U) | (byte(i) & 0x3FU);
    }
    const bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF)
        return 0;
    return length;
}

void append_hex_escape(std::string& out, std::uint8_t byte)
{
    constexpr char digits[] = "0123456789abcdef";
    out += "\\x";
    out += digits[byte >> 4U];
    out += digits[byte & 0xFU];
}

} // namespace

std::string visible(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    while (!bytes.empty()) {
        const auto byte = static_cast<std::uint8_t>(bytes.front());
        const std::size_t length = utf8_sequence_length(bytes);
        // U+0080–U+009F (C1 controls) are C2 80 … C2 9F.
        const bool c1_control = length == 2 && byte == 0xC2 && static_cast<std::uint8_t>(bytes[1]) < 0xA0;
        if (length == 0) {
            append_hex_escape(out, byte);
            bytes.remove_prefix(1);
            continue;
        }
        if (c1_control) {
            append_hex_escape(out, byte);
            append_hex_escape(out, static_cast<std::uint8_t>(bytes[1]));
        } else if (byte == '\n') {
            out += "\\n";
        } else if (byte == '\t') {
            out += "\\t";
        } else if (byte == '\r') {
            out += "\\r";
        } else if (byte == 0x1B) {
            out += "\\e";
        } else if (byte < 0x20 || byte == 0x7F) {
            append_hex_escape(out, byte);
        } else {
            out.append(bytes.substr(0, length));
        }
        bytes.remove_prefix(length);
    }
    return out;
}

std::string valid_utf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    while (!bytes.empty()) {
        const std::size_t length = utf8_sequence_length(bytes);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            bytes.remove_prefix(1);
            continue;
        }
        out.append(bytes.substr(0, length));
        bytes.remove_prefix(length);
    }
    return out;
}

std::size_t display_width(std::string_view utf8)
{
    std::size_t width = 0;
    for (char c : utf8)
        width += (static_cast<std::uint8_t>(c) & 0xC0U) != 0x80 ? 1 : 0;
    return width;
}

} // namespace portent::cli
