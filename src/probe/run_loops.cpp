#include "probe/runner.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <thread>

namespace portent::probe {

namespace {

namespace asio = boost::asio;

constexpr auto progress_interval = std::chrono::milliseconds(100);
// A run of this many targets or more, unpaced, runs one event loop per core, at most most_loops:
// a closed port costs the kernel more than the rest of its probe, and two cores do it in half the time.
constexpr std::uint64_t targets_for_loops = 512;
constexpr std::size_t most_loops = 8;

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

void run_loops(Shared& shared, std::size_t workers)
{
    Loops loops(shared, workers == 0 ? 1 : loop_count(shared.plan, shared.options, workers), workers);
    loops.run();
}

} // namespace portent::probe
