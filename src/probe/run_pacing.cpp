#include "probe/runner.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace portent::probe {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

} // namespace

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
    run.report_locked(std::move(result));
}

} // namespace portent::probe
