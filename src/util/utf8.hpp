#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

// Decoding UTF-8 a code point at a time, for escaping, measuring and checking text.
namespace portent::util::utf8 {

struct CodePoint
{
    std::uint32_t value = 0;
    std::size_t length = 0; // bytes of its UTF-8 sequence; 0: the bytes are not valid UTF-8
};

// The code point whose valid UTF-8 sequence starts `bytes` (not empty), or length 0: a lead
// byte that starts no sequence, a sequence cut short, an overlong form, a surrogate, or a value
// above U+10FFFF.
[[nodiscard]] CodePoint decode(std::string_view bytes);

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

} // namespace portent::util::utf8
