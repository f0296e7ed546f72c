#include "private_network.hpp"
#include "probe/run.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace portent::probe;
using namespace std::chrono_literals;

namespace {

// A socket bound to 127.0.0.1 on a port the kernel picks; closed on destruction.
class LocalSocket
{
public:
    explicit LocalSocket(int type) : descriptor_(::socket(AF_INET, type, 0))
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(descriptor_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t size = sizeof address;
        REQUIRE(::getsockname(descriptor_, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        port_ = ntohs(address.sin_port);
    }
    LocalSocket(const LocalSocket&) = delete;
    LocalSocket& operator=(const LocalSocket&) = delete;
    ~LocalSocket() { close(); }

    void listen() { REQUIRE(::listen(descriptor_, 16) == 0); }
    void close()
    {
        if (descriptor_ >= 0)
            ::close(descriptor_);
        descriptor_ = -1;
    }
    [[nodiscard]] int descriptor() const { return descriptor_; }
    [[nodiscard]] std::uint16_t port() const { return port_; }

private:
    int descriptor_;
    std::uint16_t port_ = 0;
};

Target target(std::uint16_t port, Transport transport, DialogueKind dialogue = DialogueKind::generic)
{
    return Target{"127.0.0.1", port, transport, dialogue, ""};
}

// Probes `targets` (all on one host) as the plan of that host × their ports, in their order.
std::vector<ProbeResult> run(const std::vector<Target>& targets, ProbeOptions options = {})
{
    REQUIRE(!targets.empty());
    HostList hosts;
    hosts.add(targets.front().host, false);
    std::vector<PortTarget> ports;
    for (const Target& each : targets) {
        REQUIRE(each.host == targets.front().host);
        ports.push_back({each.port, each.transport, each.dialogue, each.service});
    }
    const TargetPlan plan(std::move(hosts), std::move(ports));
    std::vector<ProbeResult> results(targets.size());
    options.on_result = [&](ProbeResult&& result) { results.at(result.target) = std::move(result); };
    run_probes(plan, options);
    return results;
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::size_t open_descriptors()
{
    const std::filesystem::directory_iterator entries("/proc/self/fd");
    return static_cast<std::size_t>(std::distance(begin(entries), end(entries)));
}

} // namespace

TEST_CASE("run_probes: open, closed and open|filtered on 127.0.0.1", "[probe][run]")
{
    enter_private_network();
    LocalSocket listening(SOCK_STREAM);
    listening.listen();
    LocalSocket not_listening(SOCK_STREAM); // bound, so nothing else takes the port: connect is refused
    LocalSocket black_hole(SOCK_DGRAM);     // bound, never read: no reply and no ICMP

    ProbeOptions options;
    options.timeout = 300ms;
    const auto results =
        run({target(listening.port(), Transport::tcp), target(not_listening.port(), Transport::tcp),
             target(black_hole.port(), Transport::udp)},
            options);

    CHECK(results[0].state == State::open);
    CHECK(results[0].address == "127.0.0.1");
    CHECK(results[0].round_trip.has_value());
    CHECK_FALSE(results[0].passed.has_value());
    CHECK(results[0].answered());

    CHECK(results[1].state == State::closed);
    CHECK(results[1].detail == "connection refused");
    CHECK_FALSE(results[1].answered());

    CHECK(results[2].state == State::open_filtered);
    CHECK(results[2].detail.find("no reply") != std::string::npos);
    CHECK_FALSE(results[2].answered());
    CHECK_FALSE(results[2].round_trip.has_value());
}

TEST_CASE("run_probes: a UDP port with nothing bound is closed", "[probe][run]")
{
    enter_private_network();
    std::uint16_t port = 0;
    {
        LocalSocket released(SOCK_DGRAM);
        port = released.port();
    }
    ProbeOptions options;
    options.timeout = 2s;
    const auto results = run({target(port, Transport::udp)}, options);
    CHECK(results[0].state == State::closed);
    CHECK(results[0].detail == "port unreachable");
}

TEST_CASE("run_probes: a silent server ends at the deadline", "[probe][run]")
{
    enter_private_network();
    LocalSocket silent(SOCK_STREAM); // the kernel completes the handshake; nobody ever speaks
    silent.listen();
    ProbeOptions options;
    options.timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    const auto results = run({target(silent.port(), Transport::tcp, DialogueKind::banner)}, options);
    const double elapsed = seconds_since(start);
    CHECK(elapsed >= 0.25);
    CHECK(elapsed < 3.0);
    CHECK(results[0].state == State::open);
    CHECK(results[0].passed == false);
    CHECK(results[0].detail == "no banner before the deadline");
}

TEST_CASE("run_probes: a banner server passes", "[probe][run]")
{
    enter_private_network();
    LocalSocket server(SOCK_STREAM);
    server.listen();
    std::thread serve([&] {
        const int connection = ::accept(server.descriptor(), nullptr, nullptr);
        if (connection < 0)
            return;
        constexpr char banner[] = "SSH-2.0-unit-test\r\n";
        (void)::send(connection, banner, sizeof banner - 1, MSG_NOSIGNAL);
        ::close(connection);
    });
    ProbeOptions options;
    options.timeout = 2s;
    const auto results = run({target(server.port(), Transport::tcp, DialogueKind::banner)}, options);
    serve.join();
    CHECK(results[0].state == State::open);
    CHECK(results[0].passed == true);
    CHECK(results[0].answer == "SSH-2.0-unit-test");
}

TEST_CASE("run_probes: wall time follows timeout x ceil(targets / parallel)", "[probe][run]")
{
    enter_private_network();
    LocalSocket black_hole(SOCK_DGRAM);
    const std::vector<Target> targets(40, target(black_hole.port(), Transport::udp));
    ProbeOptions options;
    options.timeout = 200ms;
    options.parallel = 20;
    std::size_t most_seen = 0;
    options.on_progress = [&](const Progress& progress) { most_seen = std::max(most_seen, progress.done); };
    const std::size_t descriptors_before = open_descriptors();
    const auto start = std::chrono::steady_clock::now();
    const auto results = run(targets, options);
    const double elapsed = seconds_since(start);
    CHECK(elapsed >= 0.35);
    CHECK(elapsed < 2.0); // 40 one after another would take 8 s
    CHECK(std::all_of(results.begin(), results.end(),
                      [](const ProbeResult& r) { return r.state == State::open_filtered; }));
    CHECK(open_descriptors() == descriptors_before);
    CHECK(most_seen <= targets.size());
}

TEST_CASE("run_probes: a host without an address of the family asked for", "[probe][run]")
{
    enter_private_network();
    ProbeOptions options;
    options.family = AddressFamily::ipv6;
    auto results = run({target(80, Transport::tcp)}, options);
    CHECK(results[0].state == State::error);
    CHECK(results[0].detail == "the host has no IPv6 address");
    CHECK_FALSE(results[0].address.has_value());
    options.family = AddressFamily::ipv4;
    const std::vector<Target> literal{{"[::1]", 80, Transport::tcp, DialogueKind::generic, ""}};
    results = run(literal, options);
    CHECK(results[0].state == State::error);
    CHECK(results[0].detail == "the host has no IPv4 address");
}

TEST_CASE("run_probes: a literal address never waits for the resolver", "[probe][run]")
{
    enter_private_network();
    LocalSocket listening(SOCK_STREAM);
    listening.listen();
    ProbeOptions options;
    options.timeout = 1us; // the thread of a resolver would not even have started
    for (const char* host : {"127.0.0.1", "127.1"}) {
        const auto results =
            run({{host, listening.port(), Transport::tcp, DialogueKind::generic, ""}}, options);
        CHECK(results[0].detail.find("resolver") == std::string::npos);
    }
}

TEST_CASE("parallelism stays inside the open-file limit", "[probe][run]")
{
    CHECK(default_parallelism() >= 1);
    CHECK(default_parallelism() <= parallelism_limit());
    CHECK(default_parallelism() <= 4096);
}

TEST_CASE("run_probes: a readable stop descriptor ends the run, every unfinished target interrupted",
          "[probe][run]")
{
    enter_private_network();
    LocalSocket black_hole(SOCK_DGRAM);
    int stop[2];
    REQUIRE(::pipe(stop) == 0);
    ProbeOptions options;
    options.timeout = 5s;
    options.parallel = 2;
    options.stop_descriptor = stop[0];
    std::thread stopper([&] {
        std::this_thread::sleep_for(300ms);
        CHECK(::write(stop[1], "x", 1) == 1);
    });
    const auto start = std::chrono::steady_clock::now();
    const auto results = run(std::vector<Target>(10, target(black_hole.port(), Transport::udp)), options);
    const double elapsed = seconds_since(start);
    stopper.join();
    CHECK(elapsed >= 0.25);
    CHECK(elapsed < 2.0);
    CHECK(std::all_of(results.begin(), results.end(),
                      [](const ProbeResult& r) { return r.state == State::interrupted && !r.answered(); }));
    CHECK(std::count_if(results.begin(), results.end(), [](const ProbeResult& r) {
              return r.detail == "interrupted before the probe ended";
          }) == 2);
    CHECK(results[9].detail == "interrupted before it was probed");
    ::close(stop[0]);
    ::close(stop[1]);
}

TEST_CASE("run_probes: a stop descriptor never holds a run whose targets end at once", "[probe][run]")
{
    enter_private_network();
    int stop[2];
    REQUIRE(::pipe(stop) == 0);
    ProbeOptions options;
    options.family = AddressFamily::ipv6; // 127.0.0.1 has none: every target ends without waiting
    options.stop_descriptor = stop[0];
    const auto start = std::chrono::steady_clock::now();
    const auto results = run({target(80, Transport::tcp), target(81, Transport::tcp)}, options);
    CHECK(seconds_since(start) < 1.0);
    CHECK(results[1].state == State::error);
    ::close(stop[0]);
    ::close(stop[1]);
}

TEST_CASE("run_probes: a stop descriptor ends a run whose targets end at once", "[probe][run]")
{
    enter_private_network();
    HostList hosts;
    hosts.add("127.0.0.1", false);
    std::vector<PortTarget> ports;
    for (unsigned port = 1; port <= 65535; ++port) // nothing listens: each connect is refused at once
        ports.push_back({static_cast<std::uint16_t>(port), Transport::tcp, DialogueKind::generic, ""});
    const TargetPlan plan(std::move(hosts), std::move(ports));
    int stop[2];
    REQUIRE(::pipe(stop) == 0);
    ProbeOptions options;
    options.stop_descriptor = stop[0];
    std::size_t results = 0;
    std::size_t interrupted = 0;
    options.on_result = [&](ProbeResult&& result) {
        if (++results == 1000) // the descriptor turns readable while the run goes on
            CHECK(::write(stop[1], "x", 1) == 1);
        interrupted += result.state == State::interrupted ? 1 : 0;
    };
    run_probes(plan, options);
    CHECK(results == plan.size());
    CHECK(interrupted > plan.size() / 2);
    ::close(stop[0]);
    ::close(stop[1]);
}
