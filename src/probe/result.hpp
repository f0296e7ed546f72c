#pragma once

#include "probe/identify.hpp"
#include "probe/tls.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace portent::probe {

enum class State
{
    open,          // TCP connected, or a UDP reply came
    closed,        // refused or reset, or ICMP port unreachable for UDP
    filtered,      // TCP: no answer to the connect before the deadline
    open_filtered, // UDP: no reply and no ICMP port unreachable before the deadline ("open|filtered")
    error,         // the probe could not be made: network unreachable, no address, …
    interrupted    // the run was stopped (ProbeOptions::stop_descriptor) before this probe ended
};

[[nodiscard]] std::string_view to_string(State state);

// What probing one target found.
struct ProbeResult
{
    std::size_t target = 0;             // index into the plan given to run_probes()
    std::optional<std::string> address; // the address actually used, when one was
    State state = State::error;
    std::optional<bool> passed;                         // the dialogue's verdict, when it has one
    std::optional<std::chrono::nanoseconds> round_trip; // connect (TCP) or request to reply (UDP)
    std::string answer;                                 // raw bytes, at most answer_byte_cap of them
    std::string received;        // every byte read, at most 4 KiB, when ProbeOptions::keep_received
    std::string detail;          // a reason or an addition, or ""
    std::optional<TlsFacts> tls; // when a TLS handshake was made
    std::optional<Identification> identification; // with ProbeOptions::identify

    // Open, and not failed by its dialogue.
    [[nodiscard]] bool answered() const { return state == State::open && passed.value_or(true); }
};

} // namespace portent::probe
