#include "probe/run.hpp"

#include "probe/exchange.hpp"
#include "probe/resolve.hpp"
#include "util/file_descriptor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <poll.h>
#include <sys/resource.h>
#include <thread>
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
// Targets that end at once (closed loopback ports) never make a worker wait, so the event loop
// would not get round to the progress timer or the stop descriptor: a worker that has run this
// long since the loop last did hands the loop back.
constexpr auto longest_turn = std::chrono::milliseconds(20);
// A run of this many targets or more, unpaced, runs one event loop per core, at most most_loops:
// a closed port costs the kernel more than the rest of its probe, and two cores do it in half the time.
constexpr std::uint64_t targets_for_loops = 512;
constexpr std::size_t most_loops = 8;

void rethrow_failure(const std::exception_ptr& failure)
{
    if (failure)
        std::rethrow_exception(failure);
}

// What the run knows of one host while some of its targets have started and not all ended.
struct ActiveHost
{
    std::uint64_t in_flight = 0;
    std::uint64_t done = 0;
    std::vector<asio::steady_timer*> waiting; // workers waiting for a target of it to end (--per-host)
};

// What the shards of a run share. A run is one shard (one event loop) or, unpaced, one per core:
// each takes the next target from `next`, and what they count and report goes through `lock`,
// so that the callbacks are called one at a time.
struct Shared
{
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
};

// One event loop's part of a run; its workers all run on the loop's one thread.
struct Run
{
    Run(Shared& shared, asio::io_context& loop)
        : shared(shared), plan(shared.plan), options(shared.options), loop(loop)
    {
    }

    Shared& shared;
    const TargetPlan& plan;
    const ProbeOptions& options;
    asio::io_context& loop;
    Clock::time_point next_start = Clock::now(); // the earliest start of the next target (--rate)
    std::size_t most_workers = 0;                // this loop's share of --parallel
    std::size_t live_workers = 0;
    bool worker_starting = false;                // a worker was added and has not taken a target yet
    Clock::time_point turn_start = Clock::now(); // when the event loop last got round to its other work
    std::vector<Deadline*> deadlines;            // of the live workers, to end their targets when stopped
    std::vector<asio::steady_timer*> pauses;     // of the live workers, to end their waits when stopped
    asio::steady_timer* progress_timer = nullptr;
    asio::posix::stream_descriptor* stop_watch = nullptr;
    std::function<void()> on_end; // when the last worker ends

    [[nodiscard]] bool stopping() const { return shared.stopped.load(std::memory_order_relaxed); }
};

// Looks up each name once, in the order given, until the run is stopped.
void look_up_names(Shared& run)
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

// Counts a result and hands it on; the caller holds the lock.
void report_locked(Shared& run, ProbeResult&& result)
{
    ++run.done;
    run.open += result.state == State::open ? 1 : 0;
    run.answered += result.answered() ? 1 : 0;
    if (run.options.on_result)
        run.options.on_result(std::move(result));
}

void report(Shared& run, ProbeResult&& result)
{
    const std::scoped_lock locked(run.lock);
    report_locked(run, std::move(result));
}

ProbeResult interrupted(std::size_t index, std::string detail)
{
    ProbeResult result;
    result.target = index;
    result.state = State::interrupted;
    result.detail = std::move(detail);
    return result;
}

// Stops this loop's part of the run: no worker starts another target, and those in flight end
// at once. The other loops see the stop descriptor too, and `stopped` when they next look.
void stop(Run& run)
{
    run.shared.stopped = true;
    for (Deadline* deadline : run.deadlines)
        if (deadline)
            deadline->interrupt();
    for (asio::steady_timer* pause : run.pauses)
        if (pause)
            pause->cancel();
}

// Waits until the host has fewer than --per-host targets in flight, then for the target's
// turn under --rate; false when the run was stopped meanwhile. Then counts the target in flight.
// (A paced run has one loop: the waits are on its timers.)
asio::awaitable<bool> wait_for_turn(Run& run, std::uint64_t host, asio::steady_timer& pause)
{
    if (run.options.per_host > 0) {
        ActiveHost* active = nullptr;
        while (!run.stopping()) {
            {
                const std::scoped_lock locked(run.shared.lock);
                active = &run.shared.active[host];
                if (active->in_flight < run.options.per_host)
                    break;
                active->waiting.push_back(&pause);
            }
            pause.expires_at(Clock::time_point::max());
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            const std::scoped_lock locked(run.shared.lock);
            std::erase(active->waiting, &pause);
        }
    }
    if (!run.stopping() && run.options.rate > 0) {
        const auto now = Clock::now();
        const auto at = std::max(now, run.next_start);
        run.next_start = at + std::chrono::nanoseconds(1'000'000'000 / run.options.rate);
        if (at > now) {
            pause.expires_at(at);
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }
    if (run.stopping())
        co_return false;
    const std::scoped_lock locked(run.shared.lock);
    ++run.shared.active[host].in_flight;
    co_return true;
}

// A target of `host` ends with `result`: the host is done after its last one, a worker waiting
// for it goes on, and the result is reported.
void end_target(Shared& run, std::uint64_t host, ProbeResult&& result)
{
    const std::scoped_lock locked(run.lock);
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
    report_locked(run, std::move(result));
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
asio::awaitable<ProbeResult> probe_target(const Shared& run, const Target& target, ExchangeTools& tools)
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

asio::awaitable<void> work(Run& run, std::size_t worker);

// Workers are added as they are needed, not all at the start: one is added (when the limit
// allows) each time a worker takes a target while none is waiting to start. It starts when the
// worker before it waits for something, so a run of targets that end at once (closed ports)
// keeps a few workers, and targets that wait (open, filtered, UDP) get one each up to the limit.
void add_worker(Run& run)
{
    if (run.worker_starting || run.stopping() || run.live_workers >= run.most_workers ||
        !run.shared.targets_left())
        return;
    run.worker_starting = true;
    ++run.live_workers;
    run.deadlines.push_back(nullptr);
    run.pauses.push_back(nullptr);
    asio::co_spawn(run.loop, work(run, run.deadlines.size() - 1), rethrow_failure);
}

// Hands the event loop back when the worker has had it for longest_turn: the stop descriptor is
// read, and the loop gets round to its timers (progress) and to the other workers.
asio::awaitable<void> take_turns(Run& run)
{
    if (readable(run.options.stop_descriptor))
        stop(run);
    co_await asio::post(run.loop, asio::use_awaitable);
    run.turn_start = Clock::now();
}

asio::awaitable<void> work(Run& run, std::size_t worker)
{
    // co_spawn() starts a coroutine at once: this one waits for the worker that added it to wait.
    co_await asio::post(run.loop, asio::use_awaitable);
    run.worker_starting = false;
    Deadline deadline(co_await asio::this_coro::executor);
    asio::steady_timer pause(co_await asio::this_coro::executor);
    run.deadlines[worker] = &deadline;
    run.pauses[worker] = &pause;
    Shared& shared = run.shared;
    ExchangeTools tools{.executor = co_await asio::this_coro::executor,
                        .deadline = deadline,
                        .tls = shared.tls,
                        .timeout = run.options.timeout,
                        .warn_expiry_days = run.options.warn_expiry_days,
                        .http = run.options.http,
                        .keep_received = run.options.keep_received,
                        .identify = run.options.identify};
    for (;;) {
        if (Clock::now() - run.turn_start >= longest_turn)
            co_await take_turns(run);
        if (run.stopping())
            break;
        const std::optional<std::uint64_t> index = shared.take();
        if (!index)
            break;
        add_worker(run);
        const std::uint64_t host = run.plan.host_of(*index);
        if (!co_await wait_for_turn(run, host, pause)) {
            report(shared, interrupted(*index, "interrupted before it was probed"));
            break;
        }
        ProbeResult result;
        try {
            result = co_await probe_target(shared, run.plan.at(*index), tools);
        } catch (const std::exception& failure) {
            deadline.disarm();
            result = ProbeResult{};
            result.detail = failure.what();
        }
        if (deadline.interrupted()) {
            std::optional<std::string> address = std::move(result.address);
            result = interrupted(*index, "interrupted before the probe ended");
            result.address = std::move(address);
        }
        result.target = *index;
        end_target(shared, host, std::move(result));
    }
    run.deadlines[worker] = nullptr;
    run.pauses[worker] = nullptr;
    if (--run.live_workers == 0) {
        if (run.stop_watch)
            run.stop_watch->cancel();
        if (run.on_end)
            run.on_end();
    }
}

asio::awaitable<void> report_progress(Run& run, const std::atomic<std::size_t>& loops_running)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    run.progress_timer = &timer;
    while (loops_running.load() > 0) {
        timer.expires_after(progress_interval);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (loops_running.load() > 0) {
            const std::scoped_lock locked(run.shared.lock);
            run.options.on_progress(run.shared.progress());
        }
    }
    run.progress_timer = nullptr;
}

// How many event loops run the targets: one per core for an unpaced run of many targets.
std::size_t loop_count(const TargetPlan& plan, const ProbeOptions& options, std::size_t workers)
{
    // Paced runs keep one loop: --rate spaces the starts of one sequence, and --per-host waits
    // on that loop's timers. So do small runs, where a thread would cost more than it gives.
    if (options.rate > 0 || options.per_host > 0 || plan.size() < targets_for_loops)
        return 1;
    const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
    return std::max<std::size_t>(1, std::min({cores, most_loops, workers}));
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

namespace {

// The event loops of a run: the first runs on the calling thread and shows the progress line,
// the others each on a thread of their own; the last one to end stops the progress line's timer.
class Loops
{
public:
    Loops(Shared& shared, std::size_t count, std::size_t workers)
    {
        for (std::size_t i = 0; i < count; ++i) {
            contexts_.push_back(std::make_unique<asio::io_context>(1));
            runs_.push_back(std::make_unique<Run>(shared, *contexts_.back()));
        }
        for (std::size_t i = 0; i < count; ++i)
            start(*runs_[i], workers / count + (i < workers % count ? 1 : 0));
        const ProbeOptions& options = shared.options;
        if (running_ > 0 && options.on_progress)
            asio::co_spawn(first().loop, report_progress(first(), running_), rethrow_failure);
    }

    // Runs every loop until it ends, then rethrows what one of them threw.
    void run()
    {
        std::vector<std::exception_ptr> failures(contexts_.size());
        const auto run_one = [this, &failures](std::size_t i) {
            try {
                contexts_[i]->run();
            } catch (...) {
                failures[i] = std::current_exception();
            }
        };
        std::vector<std::thread> threads;
        for (std::size_t i = 1; i < contexts_.size(); ++i)
            threads.emplace_back(run_one, i);
        run_one(0);
        for (std::thread& thread : threads)
            thread.join();
        for (const std::exception_ptr& failure : failures)
            rethrow_failure(failure);
    }

private:
    Run& first() { return *runs_.front(); }

    void start(Run& run, std::size_t workers)
    {
        run.next_start = run.shared.start;
        run.turn_start = run.shared.start;
        run.most_workers = workers;
        run.on_end = [this] {
            if (--running_ == 0)
                asio::post(first().loop, [this] {
                    if (first().progress_timer)
                        first().progress_timer->cancel();
                });
        };
        add_worker(run);
        if (run.live_workers == 0)
            return;
        ++running_;
        if (run.options.stop_descriptor >= 0)
            asio::co_spawn(run.loop, watch_for_stop(run), rethrow_failure);
    }

    std::vector<std::unique_ptr<asio::io_context>> contexts_;
    std::vector<std::unique_ptr<Run>> runs_;
    std::atomic<std::size_t> running_ = 0;
};

} // namespace

void run_probes(const TargetPlan& plan, const ProbeOptions& options)
{
    Shared shared{plan, options};
    const bool any_udp = std::ranges::any_of(
        plan.ports(), [](const PortTarget& port) { return port.transport == Transport::udp; });
    const util::FileDescriptor timestamps(any_udp ? keep_receive_timestamps_on() : -1);
    shared.stopped = readable(options.stop_descriptor);
    if (!shared.stopped)
        look_up_names(shared);
    shared.start = Clock::now();
    const std::size_t parallel = options.parallel != 0 ? options.parallel
                                 : options.identify    ? std::min(default_parallelism(), identify_parallelism)
                                                       : default_parallelism();
    const std::size_t workers = shared.stopped ? 0
                                               : static_cast<std::size_t>(std::min<std::uint64_t>(
                                                     std::min(parallel, parallelism_limit()), plan.size()));
    Loops loops(shared, workers == 0 ? 1 : loop_count(plan, options, workers), workers);
    loops.run();
    for (std::uint64_t index = shared.taken(); index < plan.size(); ++index)
        report(shared, interrupted(index, "interrupted before it was probed"));
}

} // namespace portent::probe
