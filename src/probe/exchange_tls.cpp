#include "probe/converse.hpp"
#include "probe/dialogue/starttls.hpp"
#include "probe/exchange.hpp"
#include "probe/tls/inspect.hpp"

#include <boost/asio/ssl.hpp>

#include <optional>
#include <tuple>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

using TlsStream = asio::ssl::stream<tcp::socket&>;

// The handshake on `stream` (with the target's SNI), then what it tells: its facts, or nullopt
// and `error` when it failed.
asio::awaitable<std::optional<TlsFacts>> handshake(TlsStream& stream, const Target& target,
                                                   ExchangeTools& tools, boost::system::error_code& error)
{
    std::string server_name = tls::send_server_name(stream.native_handle(), target.host);
    std::tie(error) =
        co_await stream.async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
    if (error)
        co_return std::nullopt;
    TlsFacts facts =
        tls::facts_of(stream.native_handle(), tools.tls.trust_store(), target.host, std::move(server_name));
    facts.expiry_warning_days = tools.warn_expiry_days;
    co_return facts;
}

// The handshake on `socket`, then the facts into `result`, then `inside` (if any) over TLS.
asio::awaitable<void> handshake_then(tcp::socket& socket, const Target& target, Dialogue* inside,
                                     ExchangeTools& tools, ProbeResult& result)
{
    TlsStream stream(socket, tools.tls.context());
    boost::system::error_code error;
    std::optional<TlsFacts> facts = co_await handshake(stream, target, tools, error);
    if (!facts) {
        const std::string reason = tools.deadline.expired() ? "no TLS handshake before the deadline"
                                                            : "TLS handshake failed: " + error.message();
        result.passed = false;
        result.detail = result.detail.empty() ? reason : reason + "; " + result.detail;
        co_return;
    }
    if (inside) {
        std::unique_ptr<Dialogue> http2;
        if (facts->alpn == "h2" && dialogue_over(target.dialogue, target.transport) == DialogueKind::https)
            http2 = make_http2_dialogue();
        Dialogue& spoken = http2 ? *http2 : *inside;
        std::string received;
        apply(result, co_await converse(stream, spoken, tools.deadline, received));
        keep_received(result, received, tools);
        // What the server says inside TLS may be anything (tls): the handshake is the test.
        if (!result.passed)
            result.passed = true;
    }
    add_tls_facts(result, std::move(*facts));
}

} // namespace

asio::awaitable<void> converse_over_tls(tcp::socket& socket, const Target& target, Dialogue& dialogue,
                                        ExchangeTools& tools, ProbeResult& result)
{
    co_await handshake_then(socket, target, &dialogue, tools, result);
}

asio::awaitable<void> converse_then_tls(tcp::socket& socket, const Target& target, StartTls start_tls,
                                        ExchangeTools& tools, ProbeResult& result)
{
    while (!start_tls.finished()) {
        std::string received;
        const ReadEnd end = co_await send_and_read(
            socket, start_tls.command(),
            [&start_tls](std::string_view bytes) { return start_tls.complete(bytes); }, received,
            tools.deadline);
        start_tls.take(received, end);
        keep_received(result, received, tools);
    }
    apply(result, start_tls.judgement());
    if (start_tls.upgrade())
        co_await handshake_then(socket, target, nullptr, tools, result);
}

asio::awaitable<std::optional<ReadEnd>>
exchange_over_tls(tcp::socket& socket, const Target& target, std::string_view request,
                  const std::function<bool(std::string_view)>& complete, std::string& received,
                  Deadline& step, ExchangeTools& tools, ProbeResult& result)
{
    const auto watch = step.watch([&socket] {
        boost::system::error_code ignored;
        socket.cancel(ignored);
    });
    TlsStream stream(socket, tools.tls.context());
    boost::system::error_code error;
    std::optional<TlsFacts> facts = co_await handshake(stream, target, tools, error);
    if (!facts)
        co_return std::nullopt;
    const bool http2 = facts->alpn == "h2";
    add_tls_facts(result, std::move(*facts));
    if (http2) { // the server chose HTTP/2: that names it
        received = "h2";
        co_return ReadEnd::complete;
    }
    co_return co_await send_and_read(stream, request, complete, received, step);
}

asio::ssl::context& TlsClient::context()
{
    const std::scoped_lock locked(lock_);
    if (!context_) {
        context_.emplace(asio::ssl::context::tls_client);
        if (!tls::prepare_client_context(context_->native_handle()))
            throw std::runtime_error("cannot set up TLS: OpenSSL refused the client settings");
    }
    return *context_;
}

X509_STORE* TlsClient::trust_store()
{
    SSL_CTX* client = context().native_handle();
    const std::scoped_lock locked(lock_);
    if (!store_read_) {
        tls::read_trust_store(client);
        store_read_ = true;
    }
    return SSL_CTX_get_cert_store(client);
}

} // namespace portent::probe
