#pragma once

#include "probe/dialogue/dialogue.hpp"
#include "probe/identify.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

// portent's own rules for naming what answers on a port, written from the protocols' RFCs and
// specifications and from what real servers send: bytes in, an identification out. No sockets.
namespace portent::probe::identify {

// True when `received`, said unasked, is whole enough to judge: a line (text protocols), a
// whole first packet (MySQL), a telnet option (IAC and two bytes).
[[nodiscard]] bool greeting_complete(std::string_view received);

// What a server that speaks first says it is: SSH, SMTP, FTP, POP3, IMAP, MySQL/MariaDB, VNC
// (RFB), telnet option negotiation, NNTP, rsync, and the simple services of RFC 862-868 (a
// daytime line, a time count close to `now`, chargen's rotating lines). nullopt when no rule
// matches.
[[nodiscard]] std::optional<Identification> from_greeting(std::string_view bytes, ReadEnd end,
                                                          std::chrono::system_clock::time_point now);

// A "220" greeting that names neither SMTP nor FTP (Dovecot's submission service says
// "220 host Dovecot ready."): EHLO (smtp_ehlo) tells.
[[nodiscard]] bool needs_ehlo(std::string_view greeting);
// The reply to EHLO after such a greeting: 250 is SMTP (RFC 5321, 4.1.1.1).
[[nodiscard]] std::optional<Identification> from_ehlo_reply(std::string_view greeting,
                                                            std::string_view reply);

// The short requests sent, in this order, to a server that says nothing unasked.
enum class Probe
{
    http,       // GET / (RFC 9112)
    tls,        // a TLS ClientHello (the runner's handshake), then GET / inside
    redis,      // PING and INFO server (RESP)
    memcached,  // version (the text protocol)
    mqtt,       // CONNECT (MQTT 3.1.1)
    postgresql, // SSLRequest, then a StartupMessage (protocol 3.0)
};

// "HTTP GET", "TLS ClientHello", …: for evidence and help.
[[nodiscard]] std::string_view to_string(Probe probe);

// The bytes of `probe` (not tls: the runner's handshake) for `host` and `port`.
[[nodiscard]] std::string request_of(Probe probe, std::string_view host, std::uint16_t port);

// True when the reply to `probe` is whole enough to judge.
[[nodiscard]] bool reply_complete(Probe probe, std::string_view reply);

// After the reply `reply` to `probe`, more to send on the same connection, or "".
[[nodiscard]] std::string follow_up(Probe probe, std::string_view reply);

// What the reply to `probe` (the replies to it and its follow-up, run together) says is there.
[[nodiscard]] std::optional<Identification> from_reply(Probe probe, std::string_view reply, ReadEnd end);

// A reply to plain text that only a TLS server sends: a TLS alert record, or nginx's "400 The
// plain HTTP request was sent to HTTPS port".
[[nodiscard]] bool suggests_tls(std::string_view reply);

// What is inside TLS named as its TLS form: http → https, imap → imaps, pop3 → pop3s,
// smtp → submissions, ftp → ftps, nntp → nntps; others keep their name.
[[nodiscard]] std::string over_tls(std::string_view service);

// "OpenSSH_9.2p1" → {"OpenSSH", "9.2p1"}; "nginx/1.22.1" → {"nginx", "1.22.1"}; a word with no
// version → {word, ""}.
struct ProductVersion
{
    std::string product;
    std::string version;
};
[[nodiscard]] ProductVersion split_product(std::string_view word);

// `service`, found by the rule `evidence`, as `product` (if any) names itself.
[[nodiscard]] inline Identification named(std::string_view service, std::string_view evidence,
                                          ProductVersion product = {})
{
    return {std::string(service), std::move(product.product), std::move(product.version),
            std::string(evidence)};
}

} // namespace portent::probe::identify
