#pragma once

#include "local/socket.hpp"

#include <string>
#include <vector>

// The machine's own sockets, from the kernel.
namespace portent::local {

// Where the sockets are read from: sock_diag netlink, falling back to /proc/net for what it
// refuses (automatic), or only one of the two.
enum class Source
{
    automatic,
    netlink,
    proc_net
};

struct ListRequest
{
    bool tcp = true;
    bool udp = true;
    bool connected = false; // connected sockets too (connected_states()), not only listening ones
    Source source = Source::automatic;
    std::string proc = "/proc"; // where /proc/net is read from
};

struct Listing
{
    std::vector<Socket> sockets; // in the kernel's order; without owners (find_owners())
    std::string note;            // why /proc/net was read instead of netlink, when it was
};

// Every listening TCP socket and bound UDP socket of this network namespace, IPv4 and IPv6, and
// with `connected` the connected ones. Throws netlink::DumpError when a forced netlink source
// fails, and services::SourceError when a /proc/net file it needs cannot be read (a missing
// IPv6 file is no error: the kernel has no IPv6).
[[nodiscard]] Listing list_sockets(const ListRequest& request);

} // namespace portent::local
