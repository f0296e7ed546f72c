#pragma once

#include "util/ascii.hpp"

#include <string>
#include <string_view>

namespace portent::services {

// glibc splits services(5) lines with isspace() in the C locale: space, \t, \n, \v, \f, \r.
using util::is_space;

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

// Equality of short texts (names, protocols) without a call to memcmp.
inline bool same_text(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i])
            return false;
    return true;
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
