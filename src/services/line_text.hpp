#pragma once

#include "util/ascii.hpp"

#include <string>
#include <string_view>

namespace portent::services {

// glibc splits services(5) lines with isspace() in the C locale: space, \t, \n, \v, \f, \r.
using util::is_space;

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
