#pragma once

#include "probe/dialogues.hpp"
#include "probe/result.hpp"
#include "probe/target.hpp"
#include "probe/targets.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

// The probe runner. This header keeps Asio out: it is what the CLI includes.
namespace portent::probe {

enum class AddressFamily
{
    any,
    ipv4,
    ipv6
};

struct Progress
{
    std::uint64_t done = 0; // targets
    std::uint64_t total = 0;
    std::uint64_t open = 0;
    std::uint64_t answered = 0;
    std::uint64_t hosts_done = 0; // hosts whose every target has ended
    std::uint64_t hosts = 0;
    std::chrono::steady_clock::duration elapsed{};
};

struct ProbeOptions
{
    std::chrono::nanoseconds timeout = std::chrono::seconds(2); // per target, from its start to its end
    AddressFamily family = AddressFamily::any;
    std::size_t parallel = 0; // targets in flight at once; 0: default_parallelism()
    // A TLS certificate that expires in fewer days than this fails its target's verdict.
    std::optional<long long> warn_expiry_days;
    std::size_t rate = 0;       // targets started a second at most, evenly spaced; 0: no limit
    std::size_t per_host = 0;   // targets in flight towards one host at most; 0: no limit
    HttpRequest http;           // what the http and https dialogues ask for
    bool keep_received = false; // fill ProbeResult::received
    // Name what answers on each open TCP target (ProbeResult::identification) instead of
    // speaking its dialogue: what it says unasked, then short probes, within its deadline.
    bool identify = false;
    // Called with each result as it is ready, in the order they finish.
    std::function<void(ProbeResult&&)> on_result;
    // Called about ten times a second while the run lasts, when set.
    std::function<void(const Progress&)> on_progress;
    // When this descriptor (if >= 0) becomes readable, the run stops: no target is started any
    // more, those in flight end at once, and every target not finished gets a result with state
    // interrupted (in flight first, then the rest in order).
    int stop_descriptor = -1;
};

// The most targets in flight that the open-file limit allows, with a margin for everything else.
[[nodiscard]] std::size_t parallelism_limit();

// What --parallel defaults to: parallelism_limit(), at most a few thousand.
[[nodiscard]] std::size_t default_parallelism();

// Looks up every name among the plan's hosts (see look_up() in resolve.hpp: a literal never goes
// through the resolver), then probes the plan's targets, made one at a time as they start, on one
// event loop with at most `options.parallel` (capped at parallelism_limit()) in flight: what a run
// holds is bounded by that, not by the plan's size. Each target ends by its deadline and gets one
// result, whose `target` is its index in the plan; the targets of a host that cannot be looked up
// get state error and the reason. Targets start in order, `options.rate` a second at most and
// `options.per_host` at most in flight towards one host; a target whose host is at that limit
// waits for one of them to end.
void run_probes(const TargetPlan& plan, const ProbeOptions& options);

} // namespace portent::probe
