#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portent::local {

enum class Protocol : std::uint8_t
{
    tcp,
    udp
};

[[nodiscard]] constexpr std::string_view to_string(Protocol protocol)
{
    return protocol == Protocol::tcp ? "tcp" : "udp";
}

// The kernel's socket states (include/net/tcp_states.h), which UDP shares: a bound UDP socket
// is `close`, a connected one `established`.
namespace state {
inline constexpr std::uint8_t established = 1;
inline constexpr std::uint8_t syn_sent = 2;
inline constexpr std::uint8_t syn_received = 3;
inline constexpr std::uint8_t fin_wait1 = 4;
inline constexpr std::uint8_t fin_wait2 = 5;
inline constexpr std::uint8_t time_wait = 6;
inline constexpr std::uint8_t close = 7;
inline constexpr std::uint8_t close_wait = 8;
inline constexpr std::uint8_t last_ack = 9;
inline constexpr std::uint8_t listen = 10;
inline constexpr std::uint8_t closing = 11;
} // namespace state

// A set of states as the kernel takes it: bit 1 << state for each.
using StateMask = std::uint32_t;

[[nodiscard]] constexpr StateMask mask_of(std::uint8_t socket_state)
{
    return StateMask{1} << socket_state;
}

// The states `portent local` lists: listening TCP sockets and bound, unconnected UDP sockets.
[[nodiscard]] constexpr StateMask listening_states(Protocol protocol)
{
    return mask_of(protocol == Protocol::tcp ? state::listen : state::close);
}

// The states `--all` adds: connected sockets, as ss shows them without -l or -a (every TCP
// state of a connection but time-wait and syn-received, which no process holds; a connected
// UDP socket is `established`).
[[nodiscard]] constexpr StateMask connected_states(Protocol protocol)
{
    if (protocol == Protocol::udp)
        return mask_of(state::established);
    return mask_of(state::established) | mask_of(state::syn_sent) | mask_of(state::fin_wait1) |
           mask_of(state::fin_wait2) | mask_of(state::close_wait) | mask_of(state::last_ack) |
           mask_of(state::closing);
}

// "listen", "established", "fin-wait-1", …; a bound UDP socket is "unconnected".
[[nodiscard]] std::string_view state_name(Protocol protocol, std::uint8_t socket_state);

// One end of a socket: the address in network byte order (IPv4 in the first 4 bytes).
struct Endpoint
{
    std::array<std::uint8_t, 16> address{};
    std::uint16_t port = 0;

    bool operator==(const Endpoint&) const = default;
};

// A process that holds the socket open, as /proc/PID/fd shows it.
struct Owner
{
    int pid = 0;
    int fd = 0;
    std::string command;              // /proc/PID/comm, as the kernel keeps it (at most 15 bytes, any bytes)
    std::optional<std::uint32_t> uid; // the process's effective uid (/proc/PID/status), when it can be read
};

struct Socket
{
    Protocol protocol = Protocol::tcp;
    bool ipv6 = false;
    std::uint8_t state = 0; // see `state`
    Endpoint local;
    Endpoint remote;
    std::optional<bool> v6only;                   // IPv6 sockets, where the source tells (netlink)
    std::optional<std::uint32_t> interface_index; // bound device, 0 for none, where the source tells
    std::uint32_t uid = 0;                        // the socket's owner
    std::uint64_t inode = 0;
    std::vector<Owner> owners; // filled by find_owners(), in pid order
};

// The address of one end as text: "127.0.0.1", "::1", "::ffff:127.0.0.1".
[[nodiscard]] std::string address_text(const Socket& socket, const Endpoint& end);

// The name of a network interface ("lo"), or its number when it has none (any more).
[[nodiscard]] std::string interface_name(std::uint32_t index);

// Whether the address of `end` is the wildcard (0.0.0.0 or ::).
[[nodiscard]] bool is_wildcard(const Endpoint& end);

} // namespace portent::local
