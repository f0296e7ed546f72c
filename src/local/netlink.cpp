#include "local/netlink.hpp"

#include <cerrno>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace portent::local::netlink {

namespace {

// A dump datagram is at most 32 KiB (the kernel's netlink_dump); twice that leaves room.
constexpr std::size_t datagram_size = std::size_t{1} << 16U;
// The kernel answers a dump at once; this only keeps a broken kernel from hanging portent.
constexpr time_t receive_timeout_seconds = 10;

template <typename T> T read_struct(std::span<const std::uint8_t> bytes)
{
    T value{};
    std::memcpy(&value, bytes.data(), sizeof value);
    return value;
}

std::string error_text(int error_number)
{
    return std::strerror(error_number);
}

// INET_DIAG_SKV6ONLY among the attributes (struct nlattr, the layout of rtattr) after the message, when it is
// there.
std::optional<bool> find_v6only(std::span<const std::uint8_t> attributes)
{
    while (attributes.size() >= NLA_HDRLEN) {
        const auto attribute = read_struct<nlattr>(attributes);
        if (attribute.nla_len < NLA_HDRLEN || attribute.nla_len > attributes.size())
            throw DumpError(0, "a sock_diag attribute runs past its message");
        const auto payload = attributes.subspan(NLA_HDRLEN, attribute.nla_len - NLA_HDRLEN);
        if ((attribute.nla_type & NLA_TYPE_MASK) == INET_DIAG_SKV6ONLY && !payload.empty())
            return payload.front() != 0;
        attributes =
            attributes.subspan(std::min<std::size_t>(NLA_ALIGN(attribute.nla_len), attributes.size()));
    }
    return std::nullopt;
}

void read_socket(std::span<const std::uint8_t> payload, Protocol protocol, std::vector<Socket>& sockets)
{
    if (payload.size() < sizeof(inet_diag_msg))
        throw DumpError(0, "a sock_diag message shorter than inet_diag_msg");
    const auto message = read_struct<inet_diag_msg>(payload);
    if (message.idiag_family != AF_INET && message.idiag_family != AF_INET6)
        return;
    Socket& socket = sockets.emplace_back();
    socket.protocol = protocol;
    socket.ipv6 = message.idiag_family == AF_INET6;
    socket.state = message.idiag_state;
    socket.local.port = ntohs(message.id.idiag_sport);
    socket.remote.port = ntohs(message.id.idiag_dport);
    static_assert(sizeof message.id.idiag_src == 16 && sizeof message.id.idiag_dst == 16);
    std::memcpy(socket.local.address.data(), message.id.idiag_src, 16);
    std::memcpy(socket.remote.address.data(), message.id.idiag_dst, 16);
    if (!socket.ipv6) { // only the first word is the address
        std::fill(socket.local.address.begin() + 4, socket.local.address.end(), 0);
        std::fill(socket.remote.address.begin() + 4, socket.remote.address.end(), 0);
    }
    socket.interface_index = message.id.idiag_if;
    socket.uid = message.idiag_uid;
    socket.inode = message.idiag_inode;
    const std::size_t attributes_at = NLMSG_ALIGN(sizeof(inet_diag_msg));
    if (socket.ipv6 && payload.size() > attributes_at)
        socket.v6only = find_v6only(payload.subspan(attributes_at));
}

// One message of our dump: a socket, the end (true), or an error (thrown).
bool read_message(std::uint16_t type, std::span<const std::uint8_t> payload, Protocol protocol,
                  std::vector<Socket>& sockets)
{
    switch (type) {
    case NLMSG_DONE: // its payload, when there is one, is the dump's error code (0 or -errno)
        if (payload.size() >= sizeof(int))
            if (const int code = read_struct<int>(payload); code < 0)
                throw DumpError(-code, "sock_diag dump failed");
        return true;
    case NLMSG_ERROR: {
        if (payload.size() < sizeof(int))
            throw DumpError(0, "a netlink error message without its code");
        const int code = read_struct<int>(payload);
        if (code != 0) // 0: an acknowledgement
            throw DumpError(code < 0 ? -code : code, "sock_diag refused the dump");
        return false;
    }
    case SOCK_DIAG_BY_FAMILY: read_socket(payload, protocol, sockets); return false;
    default: return false;
    }
}

} // namespace

DumpError::DumpError(int error_number, const std::string& what)
    : std::runtime_error(error_number != 0 ? what + ": " + error_text(error_number) : what),
      error_number_(error_number)
{
}

bool parse_dump(std::span<const std::uint8_t> datagram, Protocol protocol, std::uint32_t sequence,
                std::vector<Socket>& sockets)
{
    while (!datagram.empty()) {
        if (datagram.size() < sizeof(nlmsghdr))
            throw DumpError(0, "a netlink message shorter than its header");
        const auto header = read_struct<nlmsghdr>(datagram);
        if (header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > datagram.size())
            throw DumpError(0, "a netlink message runs past its datagram");
        const auto payload = datagram.subspan(NLMSG_HDRLEN, header.nlmsg_len - NLMSG_HDRLEN);
        datagram = datagram.subspan(std::min<std::size_t>(NLMSG_ALIGN(header.nlmsg_len), datagram.size()));
        if (header.nlmsg_seq == sequence && read_message(header.nlmsg_type, payload, protocol, sockets))
            return true;
    }
    return false;
}

Connection::Connection() : descriptor_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG))
{
    if (descriptor_.get() < 0)
        throw DumpError(errno, "cannot open a sock_diag netlink socket");
    const timeval timeout{receive_timeout_seconds, 0};
    ::setsockopt(descriptor_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

void Connection::dump(Protocol protocol, bool ipv6, StateMask states, std::vector<Socket>& sockets)
{
    struct Request
    {
        nlmsghdr header;
        inet_diag_req_v2 body;
    };
    Request request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = ++sequence_;
    request.body.sdiag_family = ipv6 ? AF_INET6 : AF_INET;
    request.body.sdiag_protocol = protocol == Protocol::tcp ? IPPROTO_TCP : IPPROTO_UDP;
    request.body.idiag_states = states;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t sent = 0;
    do
        sent = ::sendto(descriptor_.get(), &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel),
                        sizeof kernel);
    while (sent < 0 && errno == EINTR);
    if (sent != static_cast<ssize_t>(sizeof request))
        throw DumpError(sent < 0 ? errno : EIO, "cannot send a sock_diag request");

    buffer_.resize(datagram_size);
    while (true) {
        iovec vector{buffer_.data(), buffer_.size()};
        msghdr message{};
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        const ssize_t received = ::recvmsg(descriptor_.get(), &message, 0);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0)
            throw DumpError(errno, "cannot read a sock_diag dump");
        if ((message.msg_flags & MSG_TRUNC) != 0)
            throw DumpError(0, "a sock_diag datagram larger than 64 KiB");
        if (received == 0)
            throw DumpError(0, "a sock_diag dump that ends without NLMSG_DONE");
        if (parse_dump({buffer_.data(), static_cast<std::size_t>(received)}, protocol, sequence_, sockets))
            return;
    }
}

} // namespace portent::local::netlink
