#include "probe/converse.hpp"
#include "probe/exchange.hpp"
#include "probe/identify/identifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>

// The socket side of --identify on a TCP target: drives identify::Identifier (the order of
// listening and probes) over the first connection, new ones where a probe needs one, and TLS.
namespace portent::probe {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using identify::Identifier;

// Connects `socket` to `endpoint` until `step` passes; false when it did not connect.
asio::awaitable<bool> reconnect(tcp::socket& socket, const tcp::endpoint& endpoint, Deadline& step)
{
    boost::system::error_code ignored;
    socket.close(ignored);
    const auto watch = step.watch([&socket] {
        boost::system::error_code error;
        socket.close(error);
    });
    auto [error] = co_await socket.async_connect(endpoint, asio::as_tuple(asio::use_awaitable));
    co_return !error && socket.is_open();
}

// One step's exchange on `socket`: the request, then the reply until the identifier calls it
// complete or the step's wait passes, which cancels the reading and leaves the connection for
// the next step.
asio::awaitable<ReadEnd> exchange_step(tcp::socket& socket, Identifier& identifier, Deadline& step,
                                       std::string& received)
{
    const auto watch = step.watch([&socket] {
        boost::system::error_code ignored;
        socket.cancel(ignored);
    });
    co_return co_await send_and_read(
        socket, identifier.request(),
        [&identifier](std::string_view bytes) { return identifier.complete(bytes); }, received, step);
}

} // namespace

asio::awaitable<void> identify_over_tcp(tcp::socket& first, const tcp::endpoint& endpoint,
                                        const Target& target, ExchangeTools& tools, ProbeResult& result)
{
    Identifier identifier(target.host, target.port, tools.timeout);
    tcp::socket later(tools.executor);
    tcp::socket* current = &first;
    // The target's deadline (or a stop) closes whichever connection is in use.
    const auto watch = tools.deadline.watch([&current] {
        boost::system::error_code ignored;
        current->close(ignored);
    });
    while (identifier.action() != Identifier::Action::finished) {
        const auto now = Clock::now();
        if (tools.deadline.expired() || now >= tools.deadline.at()) {
            identifier.give_up();
            break;
        }
        Deadline step(tools.executor);
        step.arm(now + identifier.wait(tools.deadline.at() - now));
        std::string received;
        const Identifier::Action action = identifier.action();
        if (action != Identifier::Action::exchange) {
            if (current == &first) {
                boost::system::error_code ignored;
                first.close(ignored);
            }
            current = &later;
            if (!co_await reconnect(later, endpoint, step)) {
                if (action == Identifier::Action::tls_exchange)
                    identifier.take_failed_handshake();
                else
                    identifier.take("", ReadEnd::reset);
                continue;
            }
        }
        if (action == Identifier::Action::tls_exchange) {
            const std::optional<ReadEnd> end = co_await exchange_over_tls(
                later, target, identifier.request(),
                [&identifier](std::string_view bytes) { return identifier.complete(bytes); }, received, step,
                tools, result);
            if (end)
                identifier.take(received, *end);
            else
                identifier.take_failed_handshake();
            continue;
        }
        const ReadEnd end = co_await exchange_step(*current, identifier, step, received);
        identifier.take(received, end);
    }
    result.answer = identifier.answer();
    result.identification = identifier.result();
    keep_received(result, result.answer, tools); // the reply that named it, for --show-answer
}

} // namespace portent::probe
