#include "local/netlink.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

using namespace portent::local;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::uint32_t sequence = 7;

// A netlink message as the kernel lays it out: the header, the payload, padding to 4 bytes.
void append_message(Bytes& datagram, std::uint16_t type, const Bytes& payload, std::uint32_t seq = sequence)
{
    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(NLMSG_HDRLEN + payload.size());
    header.nlmsg_type = type;
    header.nlmsg_flags = NLM_F_MULTI;
    header.nlmsg_seq = seq;
    const auto* raw = reinterpret_cast<const std::uint8_t*>(&header);
    datagram.insert(datagram.end(), raw, raw + sizeof header);
    datagram.insert(datagram.end(), payload.begin(), payload.end());
    datagram.resize(NLMSG_ALIGN(datagram.size()), 0);
}

Bytes bytes_of_int(int value)
{
    Bytes bytes(sizeof value);
    std::memcpy(bytes.data(), &value, sizeof value);
    return bytes;
}

// An inet_diag_msg for an IPv6 socket on [::1]:port, and its attributes.
Bytes ipv6_message(std::uint16_t port, const Bytes& attributes = {})
{
    inet_diag_msg message{};
    message.idiag_family = AF_INET6;
    message.idiag_state = 10;
    message.id.idiag_sport = htons(port);
    reinterpret_cast<std::uint8_t*>(message.id.idiag_src)[15] = 1;
    message.idiag_uid = 65534;
    message.idiag_inode = 99;
    Bytes payload(sizeof message + attributes.size());
    std::memcpy(payload.data(), &message, sizeof message);
    if (!attributes.empty())
        std::memcpy(payload.data() + sizeof message, attributes.data(), attributes.size());
    return payload;
}

// A route attribute of one byte: length 5, padded to 8.
Bytes byte_attribute(std::uint16_t type, std::uint8_t value)
{
    return {5, 0, static_cast<std::uint8_t>(type & 0xFF), static_cast<std::uint8_t>(type >> 8), value, 0,
            0, 0};
}

Bytes done_message(int code = 0)
{
    Bytes datagram;
    append_message(datagram, NLMSG_DONE, bytes_of_int(code));
    return datagram;
}

} // namespace

TEST_CASE("an IPv4 listener and NLMSG_DONE, byte by byte as the kernel sends them", "[local][netlink]")
{
    // nlmsghdr: length 88, type 20 (SOCK_DIAG_BY_FAMILY), flags NLM_F_MULTI, sequence 7, port id 0.
    Bytes datagram = {88, 0, 0, 0, 20, 0, 2, 0, 7, 0, 0, 0, 0, 0, 0, 0};
    // inet_diag_msg: AF_INET, state 10 (listen), timer, retransmits; the ports in network order
    // (8080 = 0x1f90, 0); source 127.0.0.1 and 12 bytes of what the kernel leaves there;
    // destination 0; interface 1 (host order); the cookie; expires, queues, uid 1000, inode 4242.
    const Bytes message = {2, 10, 0, 0, 0x1f, 0x90, 0, 0, 127, 0,   0,    1,    9,   9,   9,    9,    9, 9,
                           9, 9,  9, 9, 9,    9,    0, 0, 0,   0,   0,    0,    0,   0,   0,    0,    0, 0,
                           0, 0,  0, 0, 1,    0,    0, 0, 255, 255, 255,  255,  255, 255, 255,  255,  0, 0,
                           0, 0,  0, 0, 0,    0,    0, 0, 0,   0,   0xe8, 0x03, 0,   0,   0x92, 0x10, 0, 0};
    REQUIRE(message.size() == 72);
    datagram.insert(datagram.end(), message.begin(), message.end());
    const Bytes done = {20, 0, 0, 0, 3, 0, 2, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    datagram.insert(datagram.end(), done.begin(), done.end());

    std::vector<Socket> sockets;
    CHECK(netlink::parse_dump(datagram, Protocol::tcp, sequence, sockets));
    REQUIRE(sockets.size() == 1);
    const Socket& socket = sockets.front();
    CHECK(socket.protocol == Protocol::tcp);
    CHECK_FALSE(socket.ipv6);
    CHECK(socket.state == state::listen);
    CHECK(socket.local.port == 8080);
    CHECK(address_text(socket, socket.local) == "127.0.0.1");
    CHECK(std::all_of(socket.local.address.begin() + 4, socket.local.address.end(),
                      [](std::uint8_t byte) { return byte == 0; }));
    CHECK(address_text(socket, socket.remote) == "0.0.0.0");
    CHECK(socket.remote.port == 0);
    CHECK(socket.interface_index == 1U);
    CHECK(socket.uid == 1000);
    CHECK(socket.inode == 4242);
    CHECK_FALSE(socket.v6only);
}

TEST_CASE("IPv6 sockets carry v6only in INET_DIAG_SKV6ONLY", "[local][netlink]")
{
    Bytes datagram;
    append_message(datagram, SOCK_DIAG_BY_FAMILY, ipv6_message(22, byte_attribute(INET_DIAG_SKV6ONLY, 1)));
    // Another attribute first, then v6only 0.
    Bytes attributes = byte_attribute(INET_DIAG_SHUTDOWN, 0);
    const Bytes v6only = byte_attribute(INET_DIAG_SKV6ONLY, 0);
    attributes.insert(attributes.end(), v6only.begin(), v6only.end());
    append_message(datagram, SOCK_DIAG_BY_FAMILY, ipv6_message(23, attributes));
    append_message(datagram, SOCK_DIAG_BY_FAMILY, ipv6_message(24)); // an old kernel: no attribute

    std::vector<Socket> sockets;
    CHECK_FALSE(netlink::parse_dump(datagram, Protocol::udp, sequence, sockets)); // no NLMSG_DONE yet
    REQUIRE(sockets.size() == 3);
    CHECK(sockets[0].ipv6);
    CHECK(sockets[0].protocol == Protocol::udp);
    CHECK(address_text(sockets[0], sockets[0].local) == "::1");
    CHECK(sockets[0].local.port == 22);
    CHECK(sockets[0].v6only == true);
    CHECK(sockets[1].v6only == false);
    CHECK_FALSE(sockets[2].v6only);
    CHECK(sockets[2].uid == 65534);
    CHECK(sockets[2].inode == 99);

    CHECK(netlink::parse_dump(done_message(), Protocol::udp, sequence, sockets));
    CHECK(sockets.size() == 3);
}

TEST_CASE("messages of another sequence number and of other types are passed over", "[local][netlink]")
{
    Bytes datagram;
    append_message(datagram, SOCK_DIAG_BY_FAMILY, ipv6_message(22), sequence + 1);
    append_message(datagram, NLMSG_DONE, bytes_of_int(0), sequence + 1);
    append_message(datagram, NLMSG_NOOP, {});
    append_message(datagram, SOCK_DIAG_BY_FAMILY, ipv6_message(23));
    std::vector<Socket> sockets;
    CHECK_FALSE(netlink::parse_dump(datagram, Protocol::tcp, sequence, sockets));
    REQUIRE(sockets.size() == 1);
    CHECK(sockets[0].local.port == 23);
}

TEST_CASE("the kernel's errors are DumpErrors with their errno", "[local][netlink]")
{
    std::vector<Socket> sockets;
    Bytes refused; // as the kernel answers for a protocol without its diag module
    nlmsgerr error{};
    error.error = -ENOENT;
    Bytes payload(sizeof error);
    std::memcpy(payload.data(), &error, sizeof error);
    append_message(refused, NLMSG_ERROR, payload);
    try {
        (void)netlink::parse_dump(refused, Protocol::udp, sequence, sockets);
        FAIL("no DumpError");
    } catch (const netlink::DumpError& thrown) {
        CHECK(thrown.error_number() == ENOENT);
    }
    try {
        (void)netlink::parse_dump(done_message(-EINTR), Protocol::udp, sequence, sockets);
        FAIL("no DumpError");
    } catch (const netlink::DumpError& thrown) {
        CHECK(thrown.error_number() == EINTR);
    }
    Bytes acknowledgement; // error 0 is an acknowledgement, not an error
    error.error = 0;
    std::memcpy(payload.data(), &error, sizeof error);
    append_message(acknowledgement, NLMSG_ERROR, payload);
    CHECK_FALSE(netlink::parse_dump(acknowledgement, Protocol::udp, sequence, sockets));
    CHECK(sockets.empty());
}

TEST_CASE("malformed datagrams are errors, never reads past the bytes", "[local][netlink]")
{
    std::vector<Socket> sockets;
    Bytes whole;
    append_message(whole, SOCK_DIAG_BY_FAMILY, ipv6_message(22, byte_attribute(INET_DIAG_SKV6ONLY, 1)));
    // Every cut of a valid message short of its end.
    for (std::size_t size = 1; size < whole.size(); ++size) {
        const Bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(size));
        CHECK_THROWS_AS(netlink::parse_dump(cut, Protocol::tcp, sequence, sockets), netlink::DumpError);
    }
    // A header that claims less than itself.
    Bytes short_length = whole;
    short_length[0] = 8;
    CHECK_THROWS_AS(netlink::parse_dump(short_length, Protocol::tcp, sequence, sockets), netlink::DumpError);
    // A payload too short for inet_diag_msg.
    Bytes short_payload;
    append_message(short_payload, SOCK_DIAG_BY_FAMILY, Bytes(40, 0));
    CHECK_THROWS_AS(netlink::parse_dump(short_payload, Protocol::tcp, sequence, sockets), netlink::DumpError);
    // An attribute longer than what is left.
    Bytes long_attribute;
    append_message(long_attribute, SOCK_DIAG_BY_FAMILY,
                   ipv6_message(22, {200, 0, INET_DIAG_SKV6ONLY, 0, 1, 0, 0, 0}));
    CHECK_THROWS_AS(netlink::parse_dump(long_attribute, Protocol::tcp, sequence, sockets),
                    netlink::DumpError);
}
