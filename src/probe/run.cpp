#include "probe/run.hpp"

#include "probe/dialogue/dialogue.hpp"
#include "probe/exchange.hpp"
#include "probe/resolve.hpp"
#include "services/file_descriptor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <sys/resource.h>

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
    asio::steady_timer* progress_timer = nullptr;

    Progress progress() const { return {done, targets.size(), answered, Clock::now() - start}; }
};

// Looks up each distinct host once, in the order of the targets.
void look_up_hosts(Run& run)
{
    std::map<std::string, std::uint32_t, std::less<>> known;
    run.host_of.reserve(run.targets.size());
    for (const Target& target : run.targets) {
        auto [place, added] = known.try_emplace(target.host, static_cast<std::uint32_t>(run.hosts.size()));
        if (added)
            run.hosts.push_back(look_up(target.host, run.options.family, run.options.timeout, -1));
        run.host_of.push_back(place->second);
    }
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

asio::awaitable<void> work(Run& run)
{
    Deadline deadline(co_await asio::this_coro::executor);
    ExchangeTools tools{co_await asio::this_coro::executor, deadline, run.tls ? &*run.tls : nullptr,
                        run.options.timeout};
    while (run.next < run.targets.size()) {
        const std::size_t index = run.next++;
        ProbeResult result;
        try {
            result = co_await probe_target(run, index, tools);
        } catch (const std::exception& failure) {
            deadline.disarm();
            result = ProbeResult{};
            result.detail = failure.what();
        }
        result.target = index;
        ++run.done;
        run.answered += result.answered() ? 1 : 0;
        if (run.options.on_result)
            run.options.on_result(std::move(result));
        if (run.done == run.targets.size() && run.progress_timer)
            run.progress_timer->cancel();
    }
}

asio::awaitable<void> report_progress(Run& run)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    run.progress_timer = &timer;
    while (run.done < run.targets.size()) {
        timer.expires_after(progress_interval);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (run.done < run.targets.size())
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

std::string_view to_string(State state)
{
    switch (state) {
    case State::open: return "open";
    case State::closed: return "closed";
    case State::filtered: return "filtered";
    case State::error: return "error";
    }
    return "";
}

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
    const services::FileDescriptor timestamps(any_udp ? keep_receive_timestamps_on() : -1);
    look_up_hosts(run);
    if (std::any_of(targets.begin(), targets.end(), speaks_https)) {
        run.tls.emplace(asio::ssl::context::tls_client);
        run.tls->set_verify_mode(asio::ssl::verify_none);
    }
    run.start = Clock::now();
    asio::io_context loop(1);
    const std::size_t parallel = options.parallel == 0 ? default_parallelism() : options.parallel;
    const std::size_t workers = std::min({parallel, parallelism_limit(), targets.size()});
    for (std::size_t i = 0; i < workers; ++i)
        asio::co_spawn(loop, work(run), rethrow_failure);
    if (options.on_progress && !targets.empty())
        asio::co_spawn(loop, report_progress(run), rethrow_failure);
    loop.run();
}

} // namespace portent::probe
