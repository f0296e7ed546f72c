#include "probe/runner.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Targets that end at once (closed loopback ports) never make a worker wait, so the event loop
// would not get round to the progress timer or the stop descriptor: a worker that has run this
// long since the loop last did hands the loop back.
constexpr auto longest_turn = std::chrono::milliseconds(20);

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

// Hands the event loop back when the worker has had it for longest_turn: the stop descriptor is
// read, and the loop gets round to its timers (progress) and to the other workers.
asio::awaitable<void> take_turns(Run& run)
{
    if (readable(run.options.stop_descriptor))
        stop(run);
    co_await asio::post(run.loop, asio::use_awaitable);
    run.turn_start = Clock::now();
}

asio::awaitable<void> work(Run& run, std::size_t worker);

} // namespace

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

namespace {

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
            shared.report(interrupted(*index, "interrupted before it was probed"));
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

} // namespace

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

} // namespace portent::probe
