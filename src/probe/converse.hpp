#pragma once

#include "probe/deadline.hpp"
#include "probe/dialogue/dialogue.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <string>
#include <string_view>

// Internal to the probe runner: a request and its answer over a connected stream (TCP or TLS).
namespace portent::probe {

// Reads into `received` until `complete(received)`, the byte cap, the end of the stream, a
// failure or the deadline, and says which.
template <class Stream, class Complete>
boost::asio::awaitable<ReadEnd> read_answer(Stream& stream, Complete complete, std::string& received,
                                            const Deadline& deadline)
{
    namespace asio = boost::asio;
    for (;;) {
        if (complete(std::string_view(received)))
            co_return ReadEnd::complete;
        if (received.size() >= answer_byte_cap)
            co_return ReadEnd::byte_cap;
        const std::size_t before = received.size();
        received.resize(answer_byte_cap);
        auto [error, count] =
            co_await stream.async_read_some(asio::buffer(received.data() + before, answer_byte_cap - before),
                                            asio::as_tuple(asio::use_awaitable));
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

// Sends `request` (nothing when empty) and reads its answer until `complete`; how reading ended.
template <class Stream, class Complete>
boost::asio::awaitable<ReadEnd> send_and_read(Stream& stream, std::string_view request, Complete complete,
                                              std::string& received, const Deadline& deadline)
{
    namespace asio = boost::asio;
    if (!request.empty()) {
        auto [error, written] =
            co_await asio::async_write(stream, asio::buffer(request), asio::as_tuple(asio::use_awaitable));
        if (error)
            co_return deadline.expired() ? ReadEnd::deadline : ReadEnd::reset;
    }
    co_return co_await read_answer(stream, complete, received, deadline);
}

// Sends the dialogue's request, reads the answer into `received` and has the dialogue judge it.
// A dialogue with an answer_wait() shortens `deadline` to it.
template <class Stream>
boost::asio::awaitable<Judgement> converse(Stream& stream, Dialogue& dialogue, Deadline& deadline,
                                           std::string& received)
{
    if (const auto wait = dialogue.answer_wait())
        deadline.shorten(Deadline::Clock::now() + *wait);
    const std::string request = dialogue.request();
    const ReadEnd end = co_await send_and_read(
        stream, request, [&dialogue](std::string_view bytes) { return dialogue.complete(bytes); }, received,
        deadline);
    co_return dialogue.judge({received, end, std::chrono::system_clock::now()});
}

} // namespace portent::probe
