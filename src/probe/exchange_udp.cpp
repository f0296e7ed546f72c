#include "probe/exchange.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <span>
#include <sys/socket.h>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using boost::system::error_code;
using std::chrono::nanoseconds;
using RealClock = std::chrono::system_clock;
using Clock = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Asks the kernel to stamp every datagram this socket receives with its arrival time
// (SO_TIMESTAMPNS) and to queue ICMP errors, stamped too, for MSG_ERRQUEUE (IP_RECVERR).
// Where the kernel refuses, round trips are timed by the event loop instead.
void ask_for_timestamps(int descriptor, bool ipv6)
{
    const int on = 1;
    (void)::setsockopt(descriptor, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    if (ipv6)
        (void)::setsockopt(descriptor, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
    else
        (void)::setsockopt(descriptor, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
}

struct Received
{
    long count = -1; // bytes, or -1 with `error` set
    int error = 0;
    std::optional<RealClock::time_point> at; // when the kernel received it
};

// One recvmsg() that does not wait: a datagram into `buffer` (or, with MSG_ERRQUEUE, a queued
// ICMP error) and the kernel's timestamp of it.
Received receive(int descriptor, std::span<char> buffer, int flags)
{
    iovec part{buffer.data(), buffer.size()};
    alignas(cmsghdr) char control[256];
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    Received received;
    received.count = ::recvmsg(descriptor, &message, flags | MSG_DONTWAIT);
    if (received.count < 0) {
        received.error = errno;
        return received;
    }
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_TIMESTAMPNS)
            continue;
        timespec stamp{};
        std::memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
        received.at = RealClock::time_point(std::chrono::duration_cast<RealClock::duration>(
            std::chrono::seconds(stamp.tv_sec) + nanoseconds(stamp.tv_nsec)));
    }
    return received;
}

bool would_block(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

// When a request left, on both clocks: the kernel stamps arrivals on the real-time clock.
struct Sent
{
    RealClock::time_point real = RealClock::now();
    Clock::time_point steady = Clock::now();
};

// From the send to the kernel's arrival stamp; from the send to now when there is no stamp, or
// when the real-time clock was set meanwhile.
nanoseconds round_trip(const Sent& sent, const std::optional<RealClock::time_point>& arrived,
                       nanoseconds timeout)
{
    const nanoseconds elapsed = Clock::now() - sent.steady;
    nanoseconds measured = elapsed;
    if (arrived) {
        const nanoseconds stamped = *arrived - sent.real;
        if (stamped >= nanoseconds::zero() && stamped <= elapsed)
            measured = stamped;
    }
    return reported_round_trip(measured, timeout);
}

// send_when_ready()'s answer when the deadline passed first.
constexpr int deadline_passed = -1;

// The most datagrams one dialogue sends.
constexpr std::size_t most_requests = 4;

// Sends `request` once the socket takes it, stamping `sent` at the system call: 0, an errno, or
// deadline_passed. The socket is non-blocking: each system call is timed itself, and the event
// loop is only waited on until the socket is ready.
asio::awaitable<int> send_when_ready(udp::socket& socket, std::string_view request, const Deadline& deadline,
                                     Sent& sent)
{
    for (;;) {
        sent = Sent{};
        if (::send(socket.native_handle(), request.data(), request.size(), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
            co_return 0;
        if (!would_block(errno))
            co_return errno;
        (void)co_await socket.async_wait(udp::socket::wait_write, use_tuple);
        if (deadline.expired())
            co_return deadline_passed;
    }
}

// The next datagram into `buffer`, or an error the kernel queued for the socket (an ICMP port
// unreachable: `count` -1 and `error` set); nullopt when the deadline passed first.
asio::awaitable<std::optional<Received>> next_reply(udp::socket& socket, std::string& buffer,
                                                    const Deadline& deadline)
{
    for (;;) {
        (void)co_await socket.async_wait(udp::socket::wait_read, use_tuple);
        const Received reply = receive(socket.native_handle(), buffer, 0);
        if (reply.count >= 0 || !would_block(reply.error))
            co_return reply;
        if (deadline.expired())
            co_return std::nullopt;
    }
}

} // namespace

int keep_receive_timestamps_on()
{
    const int descriptor = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    if (descriptor >= 0)
        (void)::setsockopt(descriptor, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    return descriptor;
}

asio::awaitable<ProbeResult> exchange_udp(const Target& target, const udp::endpoint& endpoint,
                                          ExchangeTools& tools)
{
    ProbeResult result;
    result.address = endpoint.address().to_string();
    udp::socket socket(tools.executor);
    error_code error;
    socket.open(endpoint.protocol(), error);
    if (!error)
        socket.connect(endpoint, error);
    if (error) {
        result.detail = error.message();
        co_return result;
    }
    if (socket.local_endpoint(error) == endpoint) {
        result.state = State::closed;
        result.detail = "nothing listening (the probe would talk to itself)";
        co_return result;
    }
    ask_for_timestamps(socket.native_handle(), endpoint.address().is_v6());
    // The deadline cancels the waits but leaves the socket open, for one last look at it.
    const auto watch = tools.deadline.watch([&socket] {
        error_code ignored;
        socket.cancel(ignored);
    });
    const std::unique_ptr<Dialogue> dialogue = make_dialogue(target, tools.http);
    const std::string request = dialogue->request();
    const auto no_reply = [&result] {
        result.state = State::open_filtered;
        result.detail = "no reply before the deadline";
    };

    // The socket is non-blocking: each system call is timed itself, and the event loop is only
    // waited on until the socket is ready.
    Sent sent;
    if (const int failure = co_await send_when_ready(socket, request, tools.deadline, sent); failure != 0) {
        if (failure == deadline_passed)
            no_reply();
        else
            result.detail = error_code(failure, boost::system::system_category()).message();
        co_return result;
    }
    std::string received(answer_byte_cap, '\0');
    const std::optional<Received> first = co_await next_reply(socket, received, tools.deadline);
    if (!first) {
        no_reply();
        co_return result;
    }
    Received reply = *first;
    if (reply.error != 0) { // an ICMP error: its time is on the error queue
        char ignored[64];
        reply.at = receive(socket.native_handle(), ignored, MSG_ERRQUEUE).at;
    }
    // Past the deadline, what the kernel received in time still counts: the event loop may have
    // come to the socket late.
    const RealClock::time_point deadline =
        sent.real + std::chrono::duration_cast<RealClock::duration>(tools.deadline.at() - sent.steady);
    if (tools.deadline.expired() && !(reply.at && *reply.at <= deadline)) {
        no_reply();
        co_return result;
    }
    if (reply.error == ECONNREFUSED) {
        result.state = State::closed;
        result.round_trip = round_trip(sent, reply.at, tools.timeout);
        result.detail = "port unreachable";
    } else if (reply.error != 0) {
        result.detail = error_code(reply.error, boost::system::system_category()).message();
    } else {
        received.resize(static_cast<std::size_t>(reply.count));
        keep_received(result, received, tools);
        result.state = State::open;
        result.round_trip = round_trip(sent, reply.at, tools.timeout);
        RealClock::time_point received_at = reply.at.value_or(RealClock::now());
        // Further requests of the dialogue (dns: . NS after version.bind), until one goes
        // unanswered; the last reply is judged, and the dialogue keeps the earlier ones.
        for (std::size_t round = 1; round < most_requests; ++round) {
            const std::string next = dialogue->next_request(received);
            Sent again;
            if (next.empty() || co_await send_when_ready(socket, next, tools.deadline, again) != 0)
                break;
            std::string more(answer_byte_cap, '\0');
            const std::optional<Received> extra = co_await next_reply(socket, more, tools.deadline);
            if (!extra || extra->count < 0)
                break;
            more.resize(static_cast<std::size_t>(extra->count));
            keep_received(result, more, tools);
            received = std::move(more);
            received_at = extra->at.value_or(RealClock::now());
        }
        apply(result, dialogue->judge({received, ReadEnd::datagram, received_at, {}}));
    }
    co_return result;
}

} // namespace portent::probe
