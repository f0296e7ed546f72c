#pragma once

#include "probe/deadline.hpp"
#include "probe/dialogue/dialogue.hpp"
#include "probe/result.hpp"
#include "probe/target.hpp"
#include "util/file_descriptor.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

// Internal to the probe runner: the socket side of one probe.
namespace portent::probe {

// The TLS client side of a run, made when it is first needed: the context at the first
// handshake, the trust store (OpenSSL's default paths) at the first chain verified. Reading the
// system's store costs ~20 ms, as much as a thousand closed ports: a run whose TLS ports are
// closed, or whose handshakes fail, pays for neither. The event loops of a run share it.
class TlsClient
{
public:
    [[nodiscard]] boost::asio::ssl::context& context();
    [[nodiscard]] X509_STORE* trust_store();

private:
    std::mutex lock_;
    std::optional<boost::asio::ssl::context> context_;
    bool store_read_ = false;
};

// What a worker lends each of its exchanges.
struct ExchangeTools
{
    boost::asio::any_io_executor executor;
    Deadline& deadline;                        // armed by the caller for the target
    TlsClient& tls;                            // the run's, for the targets that speak TLS
    std::chrono::nanoseconds timeout{};        // the target's whole time: no round trip is longer
    std::optional<long long> warn_expiry_days; // ProbeOptions::warn_expiry_days
    const HttpRequest& http;                   // ProbeOptions::http
    bool keep_received = false;                // ProbeOptions::keep_received
    bool identify = false;                     // ProbeOptions::identify
    // A TCP socket of each family that a refused connect left unconnected, for the next connect.
    util::FileDescriptor spare_ipv4{};
    util::FileDescriptor spare_ipv6{};
};

class StartTls;

// Probes `target` at one of its addresses: connects (TCP) or sends a datagram (UDP), then speaks
// the target's dialogue, all until the armed deadline. Never throws for network failures: they
// are states of the result. The result's `target` index is left for the caller. The round trip
// is timed at the system calls, or taken from the kernel's own timestamps, never from when the
// event loop got round to the socket.
[[nodiscard]] boost::asio::awaitable<ProbeResult>
exchange(const Target& target, const boost::asio::ip::address& address, ExchangeTools& tools);

// The UDP side of exchange() (exchange_udp.cpp).
[[nodiscard]] boost::asio::awaitable<ProbeResult>
exchange_udp(const Target& target, const boost::asio::ip::udp::endpoint& endpoint, ExchangeTools& tools);

// The TLS side of exchange() (exchange_tls.cpp), on a connected socket, into `result`: the
// handshake, the TLS facts, then `dialogue` inside TLS (an HTTP/2 preface instead of https's
// HTTP/1.1 request when the server chose h2).
[[nodiscard]] boost::asio::awaitable<void> converse_over_tls(boost::asio::ip::tcp::socket& socket,
                                                             const Target& target, Dialogue& dialogue,
                                                             ExchangeTools& tools, ProbeResult& result);

// The plain-text start of `start_tls` (the greeting, the commands), then, when the server agrees,
// the handshake and the TLS facts (exchange_tls.cpp).
[[nodiscard]] boost::asio::awaitable<void> converse_then_tls(boost::asio::ip::tcp::socket& socket,
                                                             const Target& target, StartTls start_tls,
                                                             ExchangeTools& tools, ProbeResult& result);

// A TLS handshake on the connected `socket`, its facts into `result`, then `request` and its
// reply inside TLS into `received`, read until `complete` or `step` passes (which cancels the
// reading); how reading ended, or nullopt when the handshake failed. A server that chooses
// HTTP/2 by ALPN is not asked: `received` is "h2" (exchange_tls.cpp).
[[nodiscard]] boost::asio::awaitable<std::optional<ReadEnd>>
exchange_over_tls(boost::asio::ip::tcp::socket& socket, const Target& target, std::string_view request,
                  const std::function<bool(std::string_view)>& complete, std::string& received,
                  Deadline& step, ExchangeTools& tools, ProbeResult& result);

// --identify on a connected TCP target (exchange_identify.cpp): what answers, into `result`;
// `endpoint` for the new connections some probes need.
[[nodiscard]] boost::asio::awaitable<void> identify_over_tcp(boost::asio::ip::tcp::socket& first,
                                                             const boost::asio::ip::tcp::endpoint& endpoint,
                                                             const Target& target, ExchangeTools& tools,
                                                             ProbeResult& result);

// --identify on a UDP target that replied: the service of the dialogue spoken when its reply
// passed (dns, ntp, snmp, daytime, time, echo); unknown after an empty datagram.
[[nodiscard]] Identification identified_over_udp(const Target& target, const ProbeResult& result);

// A socket that asks for receive timestamps, held for a whole run: the kernel turns its
// timestamping on a moment after the first socket asks (in a work queue), and off when the
// last one closes; without it, the first replies of a run would be stamped when read. The
// caller owns the descriptor (-1 when none could be opened).
[[nodiscard]] int keep_receive_timestamps_on();

// A measured round trip as reported: never below zero, never above `timeout`.
[[nodiscard]] inline std::chrono::nanoseconds reported_round_trip(std::chrono::nanoseconds measured,
                                                                  std::chrono::nanoseconds timeout)
{
    return std::clamp(measured, std::chrono::nanoseconds::zero(), timeout);
}

// Adds bytes read from the target to the result's received bytes when the run keeps them, at
// most answer_byte_cap in all.
inline void keep_received(ProbeResult& result, std::string_view bytes, const ExchangeTools& tools)
{
    if (tools.keep_received)
        result.received.append(
            bytes.substr(0, answer_byte_cap - std::min(answer_byte_cap, result.received.size())));
}

// Puts a dialogue's judgement into the result.
inline void apply(ProbeResult& result, Judgement&& judgement)
{
    result.passed = judgement.passed;
    result.answer = std::move(judgement.answer);
    result.detail = std::move(judgement.detail);
}

} // namespace portent::probe
