#include "probe/exchange.hpp"

#include "probe/dialogue/dialogue.hpp"
#include "services/file_descriptor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
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

void apply(ProbeResult& result, Judgement&& judgement)
{
    result.passed = judgement.passed;
    result.answer = std::move(judgement.answer);
    result.detail = std::move(judgement.detail);
}

// Reads into `received` until the dialogue finds the answer whole, the byte cap, the end of
// the stream, a failure or the deadline, and says which.
template <class Stream>
asio::awaitable<ReadEnd> read_answer(Stream& stream, const Dialogue& dialogue, std::string& received,
                                     const Deadline& deadline)
{
    for (;;) {
        if (dialogue.complete(received))
            co_return ReadEnd::complete;
        if (received.size() >= answer_byte_cap)
            co_return ReadEnd::byte_cap;
        const std::size_t before = received.size();
        received.resize(answer_byte_cap);
        auto [error, count] = co_await stream.async_read_some(
            asio::buffer(received.data() + before, answer_byte_cap - before), use_tuple);
        received.resize(before + count);
        if (!error)
            continue;
        if (deadline.expired())
            co_return ReadEnd::deadline;
        if (error == asio::error::eof || error == asio::ssl::error::stream_truncated)
            co_return ReadEnd::end_of_stream;
        co_return ReadEnd::reset;
    }
}

// Sends the dialogue's request, reads the answer and has the dialogue judge it.
template <class Stream>
asio::awaitable<Judgement> converse(Stream& stream, Dialogue& dialogue, const Deadline& deadline,
                                    std::string_view tls_version = {})
{
    std::string received;
    const std::string request = dialogue.request();
    ReadEnd end = ReadEnd::reset;
    auto [write_error, written] = co_await asio::async_write(stream, asio::buffer(request), use_tuple);
    if (write_error)
        end = deadline.expired() ? ReadEnd::deadline : ReadEnd::reset;
    else
        end = co_await read_answer(stream, dialogue, received, deadline);
    co_return dialogue.judge({received, end, std::chrono::system_clock::now(), tls_version});
}

bool is_address_literal(const std::string& host)
{
    error_code error;
    (void)asio::ip::make_address(host, error);
    return !error;
}

asio::awaitable<Judgement> converse_over_tls(tcp::socket& socket, const Target& target, Dialogue& dialogue,
                                             ExchangeTools& tools)
{
    asio::ssl::stream<tcp::socket&> stream(socket, *tools.tls);
    if (!is_address_literal(target.host))
        SSL_set_tlsext_host_name(stream.native_handle(), target.host.c_str());
    auto [error] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (error) {
        const std::string reason = tools.deadline.expired() ? "no TLS handshake before the deadline"
                                                            : "TLS handshake failed: " + error.message();
        co_return Judgement{false, "", reason};
    }
    co_return co_await converse(stream, dialogue, tools.deadline, SSL_get_version(stream.native_handle()));
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
    error = socket_error(descriptor);
    if (error)
        return ConnectProgress::failed;
    pollfd writable{descriptor, POLLOUT, 0};
    if (::poll(&writable, 1, 0) != 1)
        return ConnectProgress::pending;
    error = socket_error(descriptor);
    return error ? ConnectProgress::failed : ConnectProgress::connected;
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
    services::FileDescriptor descriptor(
        ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (descriptor.get() < 0) {
        result.detail =
            "cannot open a socket: " + error_code(errno, boost::system::system_category()).message();
        co_return result;
    }
    const auto start = Clock::now();
    error_code error;
    const ConnectProgress progress = start_connect(descriptor.get(), endpoint, error);
    const auto refused_or_failed = [&] {
        result.state = is_refusal(error) ? State::closed : State::error;
        if (result.state == State::closed)
            result.round_trip = Clock::now() - start;
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
    const auto watch = tools.deadline.watch([&socket] { close_quietly(socket); });
    if (progress == ConnectProgress::pending) {
        std::tie(error) = co_await socket.async_wait(tcp::socket::wait_write, use_tuple);
        if (tools.deadline.expired()) {
            result.state = State::filtered;
            result.detail = "no answer before the deadline";
            co_return result;
        }
        if (!error)
            error = socket_error(socket.native_handle());
        if (error) {
            refused_or_failed();
            co_return result;
        }
    }
    result.round_trip = Clock::now() - start;
    if (socket.local_endpoint(error) == endpoint) {
        result.state = State::closed;
        result.detail = "nothing listening (the probe connected to itself)";
        co_return result;
    }
    result.state = State::open;
    const std::unique_ptr<Dialogue> dialogue = make_dialogue(target);
    if (!dialogue->reads_answer())
        co_return result;
    if (dialogue_over(target.dialogue, target.transport) == DialogueKind::https)
        apply(result, co_await converse_over_tls(socket, target, *dialogue, tools));
    else
        apply(result, co_await converse(socket, *dialogue, tools.deadline));
    co_return result;
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
    const auto watch = tools.deadline.watch([&socket] { close_quietly(socket); });
    const std::unique_ptr<Dialogue> dialogue = make_dialogue(target);
    const std::string request = dialogue->request();
    const auto start = Clock::now();
    std::size_t count = 0;
    std::tie(error, count) = co_await socket.async_send(asio::buffer(request), use_tuple);
    std::string received;
    if (!error) {
        received.resize(answer_byte_cap);
        std::tie(error, count) = co_await socket.async_receive(asio::buffer(received), use_tuple);
        received.resize(error ? 0 : count);
    }
    if (tools.deadline.expired()) {
        result.state = State::filtered;
        result.detail = "no reply: open or filtered";
    } else if (error == asio::error::connection_refused) {
        result.state = State::closed;
        result.round_trip = Clock::now() - start;
        result.detail = "port unreachable";
    } else if (error) {
        result.detail = error.message();
    } else {
        result.state = State::open;
        result.round_trip = Clock::now() - start;
        apply(result, dialogue->judge({received, ReadEnd::datagram, std::chrono::system_clock::now(), {}}));
    }
    co_return result;
}

} // namespace

asio::awaitable<ProbeResult> exchange(const Target& target, const asio::ip::address& address,
                                      ExchangeTools& tools)
{
    if (target.transport == Transport::tcp)
        co_return co_await exchange_tcp(target, tcp::endpoint(address, target.port), tools);
    co_return co_await exchange_udp(target, udp::endpoint(address, target.port), tools);
}

} // namespace portent::probe
