#include "local/socket.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <net/if.h>

namespace portent::local {

std::string_view state_name(Protocol protocol, std::uint8_t socket_state)
{
    switch (socket_state) {
    case state::established: return "established";
    case state::syn_sent: return "syn-sent";
    case state::syn_received: return "syn-received";
    case state::fin_wait1: return "fin-wait-1";
    case state::fin_wait2: return "fin-wait-2";
    case state::time_wait: return "time-wait";
    case state::close: return protocol == Protocol::udp ? "unconnected" : "close";
    case state::close_wait: return "close-wait";
    case state::last_ack: return "last-ack";
    case state::listen: return "listen";
    case state::closing: return "closing";
    default: return "unknown";
    }
}

std::string address_text(const Socket& socket, const Endpoint& end)
{
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(socket.ipv6 ? AF_INET6 : AF_INET, end.address.data(), text, sizeof text);
    return text;
}

std::string interface_name(std::uint32_t index)
{
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(index, name) == nullptr)
        return std::to_string(index);
    return name;
}

bool is_wildcard(const Endpoint& end)
{
    return std::ranges::all_of(end.address, [](std::uint8_t byte) { return byte == 0; });
}

} // namespace portent::local
