#pragma once

#include <string_view>

namespace portent::util {

// "::1" for "[::1]", the way an IPv6 literal is written beside a port; any other host as it is.
[[nodiscard]] constexpr std::string_view host_without_brackets(std::string_view host)
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        return host.substr(1, host.size() - 2);
    return host;
}

} // namespace portent::util
