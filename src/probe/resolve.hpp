#pragma once

#include "probe/run.hpp"

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <string>
#include <vector>

// Internal to the probe runner: from a host to its addresses.
namespace portent::probe {

// What looking up one host found: its addresses in the resolver's order of preference, each
// once, or why there are none.
struct HostAddresses
{
    std::vector<boost::asio::ip::address> addresses;
    std::string failure;      // one line, "" when addresses were found
    bool interrupted = false; // the look-up was given up because the run was stopped
};

// An address literal (IPv4 or IPv6, an IPv6 one with or without brackets) is read at once and
// never goes through the resolver. A name goes through getaddrinfo() on a thread of its own,
// given up when `timeout` passes or when `stop_descriptor` (if >= 0) becomes readable; the
// thread is then left behind (a black-holed DNS server would hold the run for up to half a
// minute, and getaddrinfo() cannot be cancelled).
[[nodiscard]] HostAddresses look_up(const std::string& host, AddressFamily family,
                                    std::chrono::nanoseconds timeout, int stop_descriptor);

} // namespace portent::probe
