#pragma once

#include "probe/deadline.hpp"
#include "probe/exchange.hpp"
#include "probe/resolve.hpp"
#include "probe/run.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <poll.h>
#include <string>
#include <unordered_map>
#include <vector>

// Internal to the probe runner: what the parts of a run share. run.cpp starts a run,
// run_loops.cpp gives it its event loops (one per core when unpaced), run_workers.cpp the workers
// on each loop (probing, yielding the loop, stopping), run_pacing.cpp --rate and --per-host.
namespace portent::probe {

// What the run knows of one host while some of its targets have started and not all ended.
struct ActiveHost
{
    std::uint64_t in_flight = 0;
    std::uint64_t done = 0;
    std::vector<boost::asio::steady_timer*> waiting; // workers waiting for a target of it to end (--per-host)
};

// What the shards of a run share. A run is one shard (one event loop) or, unpaced, one per core:
// each takes the next target from `next`, and what they count and report goes through `lock`,
// so that the callbacks are called one at a time.
struct Shared
{
    using Clock = std::chrono::steady_clock;

    Shared(const TargetPlan& plan, const ProbeOptions& options) : plan(plan), options(options) {}

    const TargetPlan& plan;
    const ProbeOptions& options;
    std::map<std::string, HostAddresses, std::less<>> named; // the names, looked up before the run
    TlsClient tls;                                           // made on the first handshake
    std::atomic<std::uint64_t> next = 0;
    std::atomic<bool> stopped = false;
    Clock::time_point start = Clock::now();

    std::mutex lock; // guards what follows, and the calls of on_result and on_progress
    std::uint64_t done = 0;
    std::uint64_t open = 0;
    std::uint64_t answered = 0;
    std::uint64_t hosts_done = 0;
    std::unordered_map<std::uint64_t, ActiveHost> active; // by host index

    // The next target's index, or nullopt when there is none left.
    std::optional<std::uint64_t> take()
    {
        const std::uint64_t index = next.fetch_add(1, std::memory_order_relaxed);
        if (index < plan.size())
            return index;
        return std::nullopt;
    }
    [[nodiscard]] bool targets_left() const { return next.load(std::memory_order_relaxed) < plan.size(); }
    [[nodiscard]] std::uint64_t taken() const
    {
        return std::min(next.load(std::memory_order_relaxed), plan.size());
    }
    Progress progress() const
    {
        return {done, plan.size(), open, answered, hosts_done, plan.hosts().size(), Clock::now() - start};
    }

    // Counts a result and hands it on; the caller holds the lock.
    void report_locked(ProbeResult&& result)
    {
        ++done;
        open += result.state == State::open ? 1 : 0;
        answered += result.answered() ? 1 : 0;
        if (options.on_result)
            options.on_result(std::move(result));
    }

    void report(ProbeResult&& result)
    {
        const std::scoped_lock locked(lock);
        report_locked(std::move(result));
    }
};

// One event loop's part of a run; its workers all run on the loop's one thread.
struct Run
{
    using Clock = std::chrono::steady_clock;

    Run(Shared& shared, boost::asio::io_context& loop)
        : shared(shared), plan(shared.plan), options(shared.options), loop(loop)
    {
    }

    Shared& shared;
    const TargetPlan& plan;
    const ProbeOptions& options;
    boost::asio::io_context& loop;
    Clock::time_point next_start = Clock::now(); // the earliest start of the next target (--rate)
    std::size_t most_workers = 0;                // this loop's share of --parallel
    std::size_t live_workers = 0;
    bool worker_starting = false;                   // a worker was added and has not taken a target yet
    Clock::time_point turn_start = Clock::now();    // when the event loop last got round to its other work
    std::vector<Deadline*> deadlines;               // of the live workers, to end their targets when stopped
    std::vector<boost::asio::steady_timer*> pauses; // of the live workers, to end their waits when stopped
    boost::asio::steady_timer* progress_timer = nullptr;
    boost::asio::posix::stream_descriptor* stop_watch = nullptr;
    std::function<void()> on_end; // when the last worker ends

    [[nodiscard]] bool stopping() const { return shared.stopped.load(std::memory_order_relaxed); }
};

inline bool readable(int descriptor)
{
    pollfd watched{descriptor, POLLIN, 0};
    return descriptor >= 0 && ::poll(&watched, 1, 0) == 1;
}

// What co_spawn() calls with how a coroutine ended: the event loop's run() throws what it threw.
inline void rethrow_failure(const std::exception_ptr& failure)
{
    if (failure)
        std::rethrow_exception(failure);
}

inline ProbeResult interrupted(std::size_t index, std::string detail)
{
    ProbeResult result;
    result.target = index;
    result.state = State::interrupted;
    result.detail = std::move(detail);
    return result;
}

// Runs `workers` workers on as many event loops as suit the run (one per core for an unpaced
// run of many targets), each loop on a thread of its own but the first, until every loop ends;
// rethrows what one of them threw (run_loops.cpp).
void run_loops(Shared& shared, std::size_t workers);

// Adds a worker to the loop when one is needed and allowed (run_workers.cpp).
void add_worker(Run& run);

// Stops the run when the stop descriptor becomes readable; ends when the loop's last worker
// ends (run_workers.cpp).
[[nodiscard]] boost::asio::awaitable<void> watch_for_stop(Run& run);

// Waits until the host has fewer than --per-host targets in flight, then for the target's
// turn under --rate; false when the run was stopped meanwhile. Then counts the target in flight.
// (A paced run has one loop: the waits are on its timers.) (run_pacing.cpp)
[[nodiscard]] boost::asio::awaitable<bool> wait_for_turn(Run& run, std::uint64_t host,
                                                         boost::asio::steady_timer& pause);

// A target of `host` ends with `result`: the host is done after its last one, a worker waiting
// for it goes on, and the result is reported (run_pacing.cpp).
void end_target(Shared& run, std::uint64_t host, ProbeResult&& result);

} // namespace portent::probe
