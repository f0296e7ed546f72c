#pragma once

#include <array>
#include <string>
#include <string_view>

namespace portent::services {

// glibc splits services(5) lines with isspace() in the C locale: space, \t, \n, \v, \f, \r.
inline constexpr std::array<bool, 256> space_table = [] {
    std::array<bool, 256> table{};
    for (unsigned char c : {' ', '\t', '\n', '\v', '\f', '\r'})
        table[c] = true;
    return table;
}();

constexpr bool is_space(char c)
{
    return space_table[static_cast<unsigned char>(c)];
}

// The text in single quotes, for messages.
inline std::string quoted(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('\'');
    out.append(text);
    out.push_back('\'');
    return out;
}

} // namespace portent::services
