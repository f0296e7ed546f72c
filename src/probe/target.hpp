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
    tls,    // a TLS handshake and the TLS facts, then what the server says unasked: imaps, pop3s, …
    banner, // the first line the server sends: ssh, nntp, …
    smtp,   // the greeting, then STARTTLS (RFC 3207) and the TLS facts
    imap,   // the greeting, then STARTTLS (RFC 2595)
    pop3,   // the greeting, then STLS (RFC 2595)
    ftp,    // the greeting, then AUTH TLS (RFC 4217)
    dns,    // a query for version.bind CH TXT (RFC 1035)
    ntp,    // a mode-3 client packet (RFC 5905)
    snmp    // SNMPv2c GetRequest for sysDescr.0, community public (RFC 3416); only when asked
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
