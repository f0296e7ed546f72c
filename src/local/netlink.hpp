#pragma once

#include "local/socket.hpp"
#include "services/file_descriptor.hpp"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

// The kernel's sock_diag netlink interface (NETLINK_SOCK_DIAG, inet_diag_req_v2), as ss uses it.
namespace portent::local::netlink {

// The kernel refused a dump (an NLMSG_ERROR, an error in NLMSG_DONE, no such socket family),
// or what it sent cannot be read. `error_number` is the errno, 0 for a malformed message.
class DumpError : public std::runtime_error
{
public:
    DumpError(int error_number, const std::string& what);
    [[nodiscard]] int error_number() const { return error_number_; }

private:
    int error_number_;
};

// Reads the messages of one datagram of a dump into `sockets` (messages of another sequence
// number are passed over) and says whether the dump is done (NLMSG_DONE). Throws DumpError for
// an error the kernel reports and for a message that runs past the datagram or is too short.
bool parse_dump(std::span<const std::uint8_t> datagram, Protocol protocol, std::uint32_t sequence,
                std::vector<Socket>& sockets);

// One NETLINK_SOCK_DIAG socket, for dumps one after another.
class Connection
{
public:
    Connection(); // throws DumpError when the socket is refused

    // Appends the sockets of one protocol and family whose state is in `states`.
    // Throws DumpError; `sockets` then holds what came before the error.
    void dump(Protocol protocol, bool ipv6, StateMask states, std::vector<Socket>& sockets);

private:
    services::FileDescriptor descriptor_;
    std::uint32_t sequence_ = 0;
    std::vector<std::uint8_t> buffer_;
};

} // namespace portent::local::netlink
