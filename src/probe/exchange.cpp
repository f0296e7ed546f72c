#include "probe/exchange.hpp"

#include "probe/converse.hpp"
#include "probe/dialogue/starttls.hpp"

#include "util/file_descriptor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_refusal(const error_code& error)
{
    return error == asio::error::connection_refused || error == asio::error::connection_reset;
}

void close_quietly(auto& socket)
{
    error_code ignored;
    socket.close(ignored);
}

enum class ConnectProgress
{
    connected,
    pending,
    failed
};

error_code socket_error(int descriptor)
{
    int value = 0;
    socklen_t size = sizeof value;
    if (::getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &value, &size) != 0)
        value = errno;
    return {value, boost::system::system_category()};
}

// How far a non-blocking connect has got, without waiting.
ConnectProgress connect_progress(int descriptor, error_code& error)
{
    error = socket_error(descriptor);
    if (error)
        return ConnectProgress::failed;
    pollfd writable{descriptor, POLLOUT, 0};
    if (::poll(&writable, 1, 0) != 1)
        return ConnectProgress::pending;
    error = socket_error(descriptor);
    return error ? ConnectProgress::failed : ConnectProgress::connected;
}

// Starts a non-blocking connect and sees how far it got without waiting. On loopback the
// kernel has usually handled the answer (SYN-ACK or RST) before connect() returns, so most
// probes of a range end here, without the event loop: four system calls a port.
ConnectProgress start_connect(int descriptor, const tcp::endpoint& endpoint, error_code& error)
{
    if (::connect(descriptor, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0)
        return ConnectProgress::connected;
    if (errno != EINPROGRESS) {
        error = {errno, boost::system::system_category()};
        return ConnectProgress::failed;
    }
    return connect_progress(descriptor, error);
}

// The kernel's round trip of a connected socket: after the handshake, from SYN to SYN-ACK.
// nullopt when it has no sample (a retransmitted SYN gives none).
std::optional<std::chrono::nanoseconds> handshake_round_trip(int descriptor)
{
    tcp_info info{};
    socklen_t size = sizeof info;
    if (::getsockopt(descriptor, IPPROTO_TCP, TCP_INFO, &info, &size) != 0 || info.tcpi_rtt == 0)
        return std::nullopt;
    return std::chrono::microseconds(info.tcpi_rtt);
}

std::string connect_failure_text(const error_code& error)
{
    if (error == asio::error::connection_refused)
        return "connection refused";
    if (error == asio::error::connection_reset)
        return "connection reset";
    return error.message();
}

asio::awaitable<ProbeResult> exchange_tcp(const Target& target, const tcp::endpoint& endpoint,
                                          ExchangeTools& tools)
{
    ProbeResult result;
    result.address = endpoint.address().to_string();
    util::FileDescriptor descriptor(
        ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (descriptor.get() < 0) {
        result.detail =
            "cannot open a socket: " + error_code(errno, boost::system::system_category()).message();
        co_return result;
    }
    // A connect that the kernel settles at once (on loopback, nearly all) is timed around the
    // system call; one that has to wait takes the kernel's own handshake round trip when it
    // has one, so that time spent waiting for the event loop is never counted.
    const auto start = Clock::now();
    error_code error;
    ConnectProgress progress = start_connect(descriptor.get(), endpoint, error);
    std::chrono::nanoseconds took = Clock::now() - start;
    const auto refused_or_failed = [&] {
        result.state = is_refusal(error) ? State::closed : State::error;
        if (result.state == State::closed)
            result.round_trip = reported_round_trip(took, tools.timeout);
        result.detail = connect_failure_text(error);
    };
    if (progress == ConnectProgress::failed) {
        refused_or_failed();
        co_return result;
    }

    tcp::socket socket(tools.executor);
    socket.assign(endpoint.protocol(), descriptor.get(), error);
    if (error) {
        result.detail = error.message();
        co_return result;
    }
    (void)descriptor.release();
    if (progress == ConnectProgress::pending) {
        while (progress == ConnectProgress::pending && !tools.deadline.expired()) {
            {
                // The deadline cancels the wait but leaves the socket open for one last look.
                const auto watch = tools.deadline.watch([&socket] {
                    error_code ignored;
                    socket.cancel(ignored);
                });
                (void)co_await socket.async_wait(tcp::socket::wait_write, use_tuple);
            }
            took = Clock::now() - start;
            progress = connect_progress(socket.native_handle(), error);
            if (progress == ConnectProgress::connected)
                took = handshake_round_trip(socket.native_handle()).value_or(took);
        }
        // Past the deadline, a handshake the kernel finished in time still counts (the event
        // loop may have come to the socket late), and a refusal is one whenever it came.
        if (progress == ConnectProgress::pending ||
            (progress == ConnectProgress::connected && start + took > tools.deadline.at())) {
            result.state = State::filtered;
            result.detail = "no answer before the deadline";
            co_return result;
        }
    }
    if (progress == ConnectProgress::failed) {
        refused_or_failed();
        co_return result;
    }
    const auto watch = tools.deadline.watch([&socket] { close_quietly(socket); });
    result.round_trip = reported_round_trip(took, tools.timeout);
    if (socket.local_endpoint(error) == endpoint) {
        result.state = State::closed;
        result.detail = "nothing listening (the probe connected to itself)";
        co_return result;
    }
    result.state = State::open;
    if (tools.identify) {
        co_await identify_over_tcp(socket, endpoint, target, tools, result);
        co_return result;
    }
    const DialogueKind kind = dialogue_over(target.dialogue, target.transport);
    if (std::optional<StartTls> start_tls = StartTls::of(kind)) {
        co_await converse_then_tls(socket, target, std::move(*start_tls), tools, result);
        co_return result;
    }
    const std::unique_ptr<Dialogue> dialogue = make_dialogue(target, tools.http);
    if (kind == DialogueKind::https || kind == DialogueKind::tls) {
        co_await converse_over_tls(socket, target, *dialogue, tools, result);
        co_return result;
    }
    std::string received;
    apply(result, co_await converse(socket, *dialogue, tools.deadline, received));
    keep_received(result, received, tools);
    co_return result;
}

} // namespace

asio::awaitable<ProbeResult> exchange(const Target& target, const asio::ip::address& address,
                                      ExchangeTools& tools)
{
    if (target.transport == Transport::tcp)
        co_return co_await exchange_tcp(target, tcp::endpoint(address, target.port), tools);
    ProbeResult result = co_await exchange_udp(target, asio::ip::udp::endpoint(address, target.port), tools);
    if (tools.identify && result.state == State::open)
        result.identification = identified_over_udp(target, result);
    co_return result;
}

Identification identified_over_udp(const Target& target, const ProbeResult& result)
{
    const DialogueKind spoken = dialogue_over(target.dialogue, target.transport);
    if (spoken == DialogueKind::generic || !result.passed.value_or(false))
        return {std::nullopt, "", "",
                spoken == DialogueKind::generic
                    ? "a reply to an empty datagram names nothing"
                    : "the reply is not a " + std::string(to_string(spoken)) + " answer"};
    return {std::string(to_string(spoken)), "", "",
            "a " + std::string(to_string(spoken)) + " answer to its request"};
}

} // namespace portent::probe
