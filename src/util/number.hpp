#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace portent::util {

// The whole of `text` as a number in `base` (std::from_chars: no sign for unsigned types, no
// white space, no "0x"); nullopt when the text is empty, holds anything else, or the number does
// not fit in Number.
template <typename Number> [[nodiscard]] std::optional<Number> to_number(std::string_view text, int base = 10)
{
    Number value{};
    const char* const end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value, base);
    if (text.empty() || error != std::errc() || stop != end)
        return std::nullopt;
    return value;
}

} // namespace portent::util
