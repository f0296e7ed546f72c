#pragma once

#include "probe/deadline.hpp"
#include "probe/result.hpp"
#include "probe/target.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

// Internal to the probe runner: the socket side of one probe.
namespace portent::probe {

// What a worker lends each of its exchanges.
struct ExchangeTools
{
    boost::asio::any_io_executor executor;
    Deadline& deadline;                       // armed by the caller for the target
    boost::asio::ssl::context* tls = nullptr; // for https targets
};

// Probes `target` at one of its addresses: connects (TCP) or sends a datagram (UDP), then speaks
// the target's dialogue, all until the armed deadline. Never throws for network failures: they
// are states of the result. The result's `target` index is left for the caller.
[[nodiscard]] boost::asio::awaitable<ProbeResult>
exchange(const Target& target, const boost::asio::ip::address& address, ExchangeTools& tools);

} // namespace portent::probe
