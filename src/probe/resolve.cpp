#include "probe/resolve.hpp"

#include "util/file_descriptor.hpp"
#include "util/host.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <system_error>
#include <thread>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

asio::ip::address address_of(const sockaddr* socket_address)
{
    if (socket_address->sa_family == AF_INET) {
        const auto& ipv4 = *reinterpret_cast<const sockaddr_in*>(socket_address);
        return asio::ip::address_v4(ntohl(ipv4.sin_addr.s_addr));
    }
    const auto& ipv6 = *reinterpret_cast<const sockaddr_in6*>(socket_address);
    asio::ip::address_v6::bytes_type bytes;
    std::copy(std::begin(ipv6.sin6_addr.s6_addr), std::end(ipv6.sin6_addr.s6_addr), bytes.begin());
    return asio::ip::address_v6(bytes, ipv6.sin6_scope_id);
}

bool family_matches(const asio::ip::address& address, AddressFamily family)
{
    return family == AddressFamily::any || (family == AddressFamily::ipv4) == address.is_v4();
}

std::string_view family_failure(AddressFamily family)
{
    return family == AddressFamily::ipv4 ? "the host has no IPv4 address" : "the host has no IPv6 address";
}

// getaddrinfo() for `name` with `flags`, any family; the addresses of `family`, each once.
HostAddresses get_addresses(const std::string& name, AddressFamily family, int flags, int* status)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    addrinfo* found = nullptr;
    *status = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
    HostAddresses host;
    if (*status != 0) {
        host.failure = "cannot resolve the host: " + std::string(::gai_strerror(*status));
        return host;
    }
    bool any_address = false;
    for (const addrinfo* entry = found; entry; entry = entry->ai_next) {
        if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6)
            continue;
        any_address = true;
        const asio::ip::address address = address_of(entry->ai_addr);
        if (family_matches(address, family) &&
            std::find(host.addresses.begin(), host.addresses.end(), address) == host.addresses.end())
            host.addresses.push_back(address);
    }
    ::freeaddrinfo(found);
    if (host.addresses.empty())
        host.failure = any_address ? family_failure(family) : "the host has no address";
    return host;
}

// Shared by a waiting run and the thread that resolves for it; `ready` is written once the
// answer is in.
struct PendingLookup
{
    std::mutex mutex;
    HostAddresses answer;
    bool answered = false;
    util::FileDescriptor ready{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
};

} // namespace

HostAddresses look_up(const std::string& host, AddressFamily family, std::chrono::nanoseconds timeout,
                      int stop_descriptor)
{
    const std::string name(util::host_without_brackets(host));
    int status = 0;
    HostAddresses literal = get_addresses(name, family, AI_NUMERICHOST, &status);
    if (status != EAI_NONAME)
        return literal;

    auto pending = std::make_shared<PendingLookup>();
    if (pending->ready.get() < 0)
        return {{}, "cannot wait for the resolver: " + std::string(std::strerror(errno)), false};
    try {
        std::thread([pending, name, family] {
            int ignored = 0;
            HostAddresses answer = get_addresses(name, family, 0, &ignored);
            const std::lock_guard lock(pending->mutex);
            pending->answer = std::move(answer);
            pending->answered = true;
            const std::uint64_t one = 1;
            (void)!::write(pending->ready.get(), &one, sizeof one);
        }).detach();
    } catch (const std::system_error& failure) { // no thread to be had: this host's targets fail alone
        return {{}, "cannot start the resolver: " + std::string(failure.what()), false};
    }

    const auto deadline = Clock::now() + timeout;
    pollfd watched[2] = {{pending->ready.get(), POLLIN, 0}, {stop_descriptor, POLLIN, 0}};
    for (;;) {
        {
            const std::lock_guard lock(pending->mutex);
            if (pending->answered)
                return std::move(pending->answer);
        }
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return {{}, "no answer from the resolver before the deadline", false};
        const timespec wait{static_cast<time_t>(left.count() / 1'000'000'000), left.count() % 1'000'000'000};
        const int count = ::ppoll(watched, stop_descriptor >= 0 ? 2 : 1, &wait, nullptr);
        if (count > 0 && watched[1].revents != 0 && stop_descriptor >= 0)
            return {{}, "interrupted during the host look-up", true};
        if (count < 0 && errno != EINTR)
            return {{}, "cannot wait for the resolver: " + std::string(std::strerror(errno)), false};
    }
}

} // namespace portent::probe
