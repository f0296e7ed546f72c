#include "probe/run.hpp"

#include "probe/runner.hpp"
#include "util/file_descriptor.hpp"

#include <algorithm>
#include <sys/resource.h>

namespace portent::probe {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t most_default_parallelism = 4096;
// --identify's default: each identification makes its server work (a process, a handshake, a
// reply), and thousands at once starve servers that fork for each connection.
constexpr std::size_t identify_parallelism = 256;

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
    run_loops(shared, workers);
    for (std::uint64_t index = shared.taken(); index < plan.size(); ++index)
        shared.report(interrupted(index, "interrupted before it was probed"));
}

} // namespace portent::probe
