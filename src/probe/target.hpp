#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portent::probe {

enum class Transport
{
    tcp,
    udp
};

// How a probe talks to a target once it is reached (see dialogue/dialogue.hpp).
enum class DialogueKind
{
    generic, // TCP connect, or a UDP datagram and a wait for a reply
    daytime, // RFC 867
    time,    // RFC 868
    echo,    // RFC 862
    http,
    https,
    banner // the first line the server sends: ssh, smtp, ftp, pop3, imap, …
};

[[nodiscard]] std::string_view to_string(Transport transport);

[[nodiscard]] std::string_view to_string(DialogueKind dialogue);

// One thing to probe: a host, a port on it, the transport, and the dialogue to speak there.
struct Target
{
    std::string host; // a name or an address literal; an IPv6 literal may be in brackets
    std::uint16_t port = 0;
    Transport transport = Transport::tcp;
    DialogueKind dialogue = DialogueKind::generic;
    std::string service; // the database's name for the port, or ""
};

} // namespace portent::probe
