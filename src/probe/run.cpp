#include "probe/run.hpp"

#include "probe/dialogue/dialogue.hpp"
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

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::size_t most_default_parallelism = 4096;
constexpr auto progress_interval = std::chrono::milliseconds(100);

// Shared by the workers of one run; they all run on the one thread of the event loop.
struct Run
{
    Run(std::span<const Target> targets, const ProbeOptions& options) : targets(targets), options(options) {}

    std::span<const Target> targets;
    const ProbeOptions& options;
    std::vector<HostAddresses> hosts;      // the addresses of each distinct host
    std::vector<std::uint32_t> host_of;    // index into `hosts` for each target
    std::optional<asio::ssl::context> tls; // when some target speaks https
    std::size_t next = 0;
    std::size_t done = 0;
    std::size_t answered = 0;
    Clock::time_point start = Clock::now();
    std::size_t live_workers = 0;
    std::vector<Deadline*> deadlines; // of the live workers, to end their targets when stopped
    bool stopped = false;
    asio::steady_timer* progress_timer = nullptr;
    asio::posix::stream_descriptor* stop_watch = nullptr;

    Progress progress() const { return {done, targets.size(), answered, Clock::now() - start}; }
};

// Looks up each distinct host once, in the order of the targets, until the run is stopped.
void look_up_hosts(Run& run)
{
    std::map<std::string, std::uint32_t, std::less<>> known;
    run.host_of.reserve(run.targets.size());
    for (const Target& target : run.targets) {
        auto [place, added] = known.try_emplace(target.host, static_cast<std::uint32_t>(run.hosts.size()));
        if (added) {
            run.hosts.push_back(
                look_up(target.host, run.options.family, run.options.timeout, run.options.stop_descriptor));
            if (run.hosts.back().interrupted) {
                run.stopped = true;
                return;
            }
        }
        run.host_of.push_back(place->second);
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

// Tries the target's addresses in order until one answers, refuses no more, or the deadline passes.
asio::awaitable<ProbeResult> probe_target(Run& run, std::size_t index, ExchangeTools& tools)
{
    const Target& target = run.targets[index];
    if (target.port == 0) {
        ProbeResult result;
        result.detail = "port 0 cannot be probed";
        co_return result;
    }
    const HostAddresses& host = run.hosts[run.host_of[index]];
    if (host.addresses.empty()) {
        ProbeResult result;
        result.detail = host.failure;
        co_return result;
    }
    tools.deadline.arm(Clock::now() + run.options.timeout);
    ProbeResult result;
    for (const asio::ip::address& address : host.addresses) {
        result = co_await exchange(target, address, tools);
        if (result.state == State::open || result.state == State::filtered || tools.deadline.expired())
            break;
    }
    tools.deadline.disarm();
    co_return result;
}

asio::awaitable<void> work(Run& run, std::size_t worker)
{
    Deadline deadline(co_await asio::this_coro::executor);
    run.deadlines[worker] = &deadline;
    ExchangeTools tools{co_await asio::this_coro::executor, deadline, run.tls ? &*run.tls : nullptr,
                        run.options.timeout};
    while (!run.stopped && run.next < run.targets.size()) {
        const std::size_t index = run.next++;
        ProbeResult result;
        try {
            result = co_await probe_target(run, index, tools);
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
        report(run, std::move(result));
    }
    run.deadlines[worker] = nullptr;
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

void rethrow_failure(const std::exception_ptr& failure)
{
    if (failure)
        std::rethrow_exception(failure);
}

bool speaks_https(const Target& target)
{
    return dialogue_over(target.dialogue, target.transport) == DialogueKind::https;
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

void run_probes(std::span<const Target> targets, const ProbeOptions& options)
{
    Run run{targets, options};
    const bool any_udp = std::any_of(targets.begin(), targets.end(),
                                     [](const Target& target) { return target.transport == Transport::udp; });
    const util::FileDescriptor timestamps(any_udp ? keep_receive_timestamps_on() : -1);
    run.stopped = readable(options.stop_descriptor);
    if (!run.stopped)
        look_up_hosts(run);
    if (std::any_of(targets.begin(), targets.end(), speaks_https)) {
        run.tls.emplace(asio::ssl::context::tls_client);
        run.tls->set_verify_mode(asio::ssl::verify_none);
    }
    run.start = Clock::now();
    asio::io_context loop(1);
    const std::size_t parallel = options.parallel == 0 ? default_parallelism() : options.parallel;
    const std::size_t workers = run.stopped ? 0 : std::min({parallel, parallelism_limit(), targets.size()});
    run.deadlines.assign(workers, nullptr);
    run.live_workers = workers;
    for (std::size_t i = 0; i < workers; ++i)
        asio::co_spawn(loop, work(run, i), rethrow_failure);
    if (workers > 0 && options.on_progress)
        asio::co_spawn(loop, report_progress(run), rethrow_failure);
    if (workers > 0 && options.stop_descriptor >= 0)
        asio::co_spawn(loop, watch_for_stop(run), rethrow_failure);
    loop.run();
    for (std::size_t index = run.next; index < targets.size(); ++index)
        report(run, interrupted(index, "interrupted before it was probed"));
}

} // namespace portent::probe
