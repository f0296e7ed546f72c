#pragma once

#include <string>
#include <string_view>

namespace portent::util {

// "::1" for "[::1]", the way an IPv6 literal is written beside a port; any other host as it is.
[[nodiscard]] constexpr std::string_view host_without_brackets(std::string_view host)
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        return host.substr(1, host.size() - 2);
    return host;
}

// "[::1]" for "::1": an IPv6 literal (a host with a ':') in brackets, the way it is written beside
// a port; any other host as it is.
[[nodiscard]] inline std::string host_with_brackets(std::string_view host)
{
    if (host.find(':') == std::string_view::npos)
        return std::string(host);
    std::string text;
    text.reserve(host.size() + 2);
    text += '[';
    text += host;
    text += ']';
    return text;
}

} // namespace portent::util
