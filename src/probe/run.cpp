#include "probe/run.hpp"

#include "probe/dialogue/dialogue.hpp"
#include "probe/dialogue/starttls.hpp"
#include "probe/dialogues.hpp"
#include "probe/exchange.hpp"
#include "probe/resolve.hpp"
#include "util/file_descriptor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>
#include <unordered_map>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::size_t most_default_parallelism = 4096;
// --identify's default: each identification makes its server work (a process, a handshake, a
// reply), and thousands at once starve servers that fork for each connection.
constexpr std::size_t identify_parallelism = 256;
constexpr auto progress_interval = std::chrono::milliseconds(100);
constexpr std::uint64_t stop_check_interval = 256;

// What the run knows of one host while some of its targets have started and not all ended.
struct ActiveHost
{
    std::uint64_t in_flight = 0;
    std::uint64_t done = 0;
    std::vector<asio::steady_timer*> waiting; // workers waiting for a target of it to end
};

// Shared by the workers of one run; they all run on the one thread of the event loop.
struct Run
{
    Run(const TargetPlan& plan, const ProbeOptions& options) : plan(plan), options(options) {}

    const TargetPlan& plan;
    const ProbeOptions& options;
    std::map<std::string, HostAddresses, std::less<>> named; // the names, looked up before the run
    std::optional<asio::ssl::context> tls;                   // when some target speaks TLS
    std::uint64_t next = 0;
    std::uint64_t done = 0;
    std::uint64_t open = 0;
    std::uint64_t answered = 0;
    std::uint64_t hosts_done = 0;
    std::unordered_map<std::uint64_t, ActiveHost> active; // by host index
    Clock::time_point start = Clock::now();
    Clock::time_point next_start = Clock::now(); // the earliest start of the next target (--rate)
    std::size_t live_workers = 0;
    std::vector<Deadline*> deadlines;        // of the live workers, to end their targets when stopped
    std::vector<asio::steady_timer*> pauses; // of the live workers, to end their waits when stopped
    bool stopped = false;
    asio::steady_timer* progress_timer = nullptr;
    asio::posix::stream_descriptor* stop_watch = nullptr;

    Progress progress() const
    {
        return {done, plan.size(), open, answered, hosts_done, plan.hosts().size(), Clock::now() - start};
    }
};

// Looks up each name once, in the order given, until the run is stopped.
void look_up_names(Run& run)
{
    for (const std::string& name : run.plan.hosts().names()) {
        HostAddresses found =
            look_up(name, run.options.family, run.options.timeout, run.options.stop_descriptor);
        if (found.interrupted) {
            run.stopped = true;
            return;
        }
        run.named.emplace(name, std::move(found));
    }
}

bool readable(int descriptor)
{
    pollfd watched{descriptor, POLLIN, 0};
    return descriptor >= 0 && ::poll(&watched, 1, 0) == 1;
}

void report(Run& run, ProbeResult&& result)
{
    ++run.done;
    run.open += result.state == State::open ? 1 : 0;
    run.answered += result.answered() ? 1 : 0;
    if (run.options.on_result)
        run.options.on_result(std::move(result));
}

ProbeResult interrupted(std::size_t index, std::string detail)
{
    ProbeResult result;
    result.target = index;
    result.state = State::interrupted;
    result.detail = std::move(detail);
    return result;
}

// Stops the run: no worker starts another target, and those in flight end at once.
void stop(Run& run)
{
    run.stopped = true;
    for (Deadline* deadline : run.deadlines)
        if (deadline)
            deadline->interrupt();
    for (asio::steady_timer* pause : run.pauses)
        if (pause)
            pause->cancel();
}

// Waits until the host has fewer than --per-host targets in flight, then for the target's
// turn under --rate; false when the run was stopped meanwhile.
asio::awaitable<bool> wait_for_turn(Run& run, std::uint64_t host, asio::steady_timer& pause)
{
    ActiveHost& active = run.active[host];
    while (!run.stopped && run.options.per_host > 0 && active.in_flight >= run.options.per_host) {
        active.waiting.push_back(&pause);
        pause.expires_at(Clock::time_point::max());
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        std::erase(active.waiting, &pause);
    }
    if (!run.stopped && run.options.rate > 0) {
        const auto now = Clock::now();
        const auto at = std::max(now, run.next_start);
        run.next_start = at + std::chrono::nanoseconds(1'000'000'000 / run.options.rate);
        if (at > now) {
            pause.expires_at(at);
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }
    co_return !run.stopped;
}

// A target of `host` ends: the host is done after its last one, and a worker waiting for it goes on.
void end_target(Run& run, std::uint64_t host)
{
    const auto found = run.active.find(host);
    ActiveHost& active = found->second;
    --active.in_flight;
    ++active.done;
    for (asio::steady_timer* pause : active.waiting)
        pause->cancel();
    if (active.done == run.plan.ports().size()) {
        ++run.hosts_done;
        run.active.erase(found);
    }
}

asio::awaitable<void> watch_for_stop(Run& run)
{
    if (run.live_workers == 0) // the workers may all have ended before this started
        co_return;
    const int copy = ::dup(run.options.stop_descriptor); // the stream closes what it is given
    if (copy < 0)
        co_return;
    asio::posix::stream_descriptor watched(co_await asio::this_coro::executor, copy);
    run.stop_watch = &watched;
    auto [error] = co_await watched.async_wait(asio::posix::stream_descriptor::wait_read,
                                               asio::as_tuple(asio::use_awaitable));
    run.stop_watch = nullptr;
    if (!error)
        stop(run);
}

// The address of a literal host (a target of a block or a range): read at once, the resolver's
// way (look_up()) only for what it must say of a literal of the other family.
HostAddresses address_of(const std::string& host, const ProbeOptions& options)
{
    boost::system::error_code error;
    const asio::ip::address address = asio::ip::make_address(host, error);
    if (!error &&
        (options.family == AddressFamily::any || address.is_v4() == (options.family == AddressFamily::ipv4)))
        return HostAddresses{{address}, {}, false};
    return look_up(host, options.family, options.timeout, -1);
}

// Tries the target's addresses in order until one answers, refuses no more, or the deadline passes.
asio::awaitable<ProbeResult> probe_target(Run& run, const Target& target, ExchangeTools& tools)
{
    if (target.port == 0) {
        ProbeResult result;
        result.detail = "port 0 cannot be probed";
        co_return result;
    }
    const auto named = run.named.find(target.host);
    const HostAddresses literal =
        named == run.named.end() ? address_of(target.host, run.options) : HostAddresses{};
    const HostAddresses& host = named == run.named.end() ? literal : named->second;
    if (host.addresses.empty()) {
        ProbeResult result;
        result.detail = host.failure;
        co_return result;
    }
    tools.deadline.arm(Clock::now() + run.options.timeout);
    ProbeResult result;
    for (const asio::ip::address& address : host.addresses) {
        result = co_await exchange(target, address, tools);
        if (result.state == State::open || result.state == State::filtered ||
            result.state == State::open_filtered || tools.deadline.expired())
            break;
    }
    tools.deadline.disarm();
    co_return result;
}

asio::awaitable<void> work(Run& run, std::size_t worker)
{
    Deadline deadline(co_await asio::this_coro::executor);
    asio::steady_timer pause(co_await asio::this_coro::executor);
    run.deadlines[worker] = &deadline;
    run.pauses[worker] = &pause;
    ExchangeTools tools{co_await asio::this_coro::executor, deadline,
                        run.tls ? &*run.tls : nullptr,      run.options.timeout,
                        run.options.warn_expiry_days,       run.options.http,
                        run.options.keep_received,          run.options.identify};
    while (!run.stopped && run.next < run.plan.size()) {
        const std::uint64_t index = run.next++;
        // Targets that end at once (closed loopback ports) can keep the loop from ever polling the
        // stop descriptor: look at it every so often.
        if (index % stop_check_interval == 0 && readable(run.options.stop_descriptor)) {
            stop(run);
            report(run, interrupted(index, "interrupted before it was probed"));
            break;
        }
        const std::uint64_t host = run.plan.host_of(index);
        if (!co_await wait_for_turn(run, host, pause)) {
            report(run, interrupted(index, "interrupted before it was probed"));
            break;
        }
        ++run.active[host].in_flight;
        ProbeResult result;
        try {
            result = co_await probe_target(run, run.plan.at(index), tools);
        } catch (const std::exception& failure) {
            deadline.disarm();
            result = ProbeResult{};
            result.detail = failure.what();
        }
        if (deadline.interrupted()) {
            std::optional<std::string> address = std::move(result.address);
            result = interrupted(index, "interrupted before the probe ended");
            result.address = std::move(address);
        }
        result.target = index;
        end_target(run, host);
        report(run, std::move(result));
    }
    run.deadlines[worker] = nullptr;
    run.pauses[worker] = nullptr;
    if (--run.live_workers == 0) {
        if (run.progress_timer)
            run.progress_timer->cancel();
        if (run.stop_watch)
            run.stop_watch->cancel();
    }
}

asio::awaitable<void> report_progress(Run& run)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    run.progress_timer = &timer;
    while (run.live_workers > 0) {
        timer.expires_after(progress_interval);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (run.live_workers > 0)
            run.options.on_progress(run.progress());
    }
    run.progress_timer = nullptr;
}

// Whether the port speaks TLS (https, tls, STARTTLS): a run with one sets up a TLS context.
bool speaks_tls(const PortTarget& port)
{
    const DialogueKind spoken = dialogue_over(port.dialogue, port.transport);
    return spoken == DialogueKind::https || spoken == DialogueKind::tls || StartTls::of(spoken);
}

void rethrow_failure(const std::exception_ptr& failure)
{
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace

std::size_t parallelism_limit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 65536;
    const std::size_t files = std::min<rlim_t>(limit.rlim_cur, 1U << 20U);
    const std::size_t reserve = 32 + files / 16;
    return files > reserve ? files - reserve : 1;
}

std::size_t default_parallelism()
{
    return std::min(parallelism_limit(), most_default_parallelism);
}

void run_probes(const TargetPlan& plan, const ProbeOptions& options)
{
    Run run{plan, options};
    const bool any_udp = std::ranges::any_of(
        plan.ports(), [](const PortTarget& port) { return port.transport == Transport::udp; });
    const util::FileDescriptor timestamps(any_udp ? keep_receive_timestamps_on() : -1);
    run.stopped = readable(options.stop_descriptor);
    if (!run.stopped)
        look_up_names(run);
    if (options.identify || std::ranges::any_of(plan.ports(), speaks_tls)) {
        run.tls.emplace(asio::ssl::context::tls_client);
        prepare_tls_context(*run.tls);
    }
    run.start = Clock::now();
    run.next_start = run.start;
    asio::io_context loop(1);
    const std::size_t parallel = options.parallel != 0 ? options.parallel
                                 : options.identify    ? std::min(default_parallelism(), identify_parallelism)
                                                       : default_parallelism();
    const std::size_t workers = run.stopped ? 0
                                            : static_cast<std::size_t>(std::min<std::uint64_t>(
                                                  std::min(parallel, parallelism_limit()), plan.size()));
    run.deadlines.assign(workers, nullptr);
    run.pauses.assign(workers, nullptr);
    run.live_workers = workers;
    for (std::size_t i = 0; i < workers; ++i)
        asio::co_spawn(loop, work(run, i), rethrow_failure);
    if (workers > 0 && options.on_progress)
        asio::co_spawn(loop, report_progress(run), rethrow_failure);
    if (workers > 0 && options.stop_descriptor >= 0)
        asio::co_spawn(loop, watch_for_stop(run), rethrow_failure);
    loop.run();
    for (std::uint64_t index = run.next; index < plan.size(); ++index)
        report(run, interrupted(index, "interrupted before it was probed"));
}

} // namespace portent::probe
