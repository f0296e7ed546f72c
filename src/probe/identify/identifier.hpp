#pragma once

#include "probe/identify/rules.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The order of identification on one TCP target, as a state machine that the runner drives
// (exchange_identify.cpp): listen for what the server says unasked, then short probes, each on
// a connection of its own when the one before cannot be reused, all under the target's one
// deadline. No sockets here.
namespace portent::probe::identify {

class Identifier
{
public:
    enum class Action
    {
        exchange,           // send request() (maybe nothing) on the current connection, read the reply
        reconnect_exchange, // the same on a new plain connection
        tls_exchange,       // a new connection, a TLS handshake, then the exchange inside TLS
        finished
    };

    Identifier(std::string host, std::uint16_t port, std::chrono::nanoseconds timeout);

    [[nodiscard]] Action action() const { return action_; }
    [[nodiscard]] const std::string& request() const { return request_; }
    // How long this step may wait for its reply, of what is left of the target's deadline.
    [[nodiscard]] std::chrono::nanoseconds wait(std::chrono::nanoseconds remaining) const;
    // True when `received` (this step's reply so far) is whole enough to judge.
    [[nodiscard]] bool complete(std::string_view received) const;

    // The reply to the step and how reading it ended; `now` dates it (RFC 868's rule).
    void take(std::string_view received, ReadEnd end,
              std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
    // The TLS handshake of a tls_exchange failed (nothing was exchanged inside).
    void take_failed_handshake();
    // The target's deadline passed: what is known so far is the result.
    void give_up();

    [[nodiscard]] const Identification& result() const { return result_; }
    // The reply that named the service, as received (raw), or "".
    [[nodiscard]] const std::string& answer() const { return answer_; }

private:
    enum class Stage
    {
        greeting,
        ehlo,
        probing,
        inside_tls
    };

    void take_greeting(std::string_view received, ReadEnd end, std::chrono::system_clock::time_point now);
    void take_probe_reply(std::string_view received, ReadEnd end, std::chrono::system_clock::time_point now);
    void next_probe(bool connection_open);
    // Ends identification with `found`; `reply` is the answer that told.
    void finish(Identification found, std::string_view reply);
    void finish_unknown(std::string evidence, std::string_view reply = {});

    std::string host_;
    std::uint16_t port_ = 0;
    std::chrono::nanoseconds unasked_wait_{};
    Stage stage_ = Stage::greeting;
    Action action_ = Action::exchange;
    std::string request_;
    std::vector<Probe> order_;
    std::size_t probe_ = 0; // the current one in order_
    std::string greeting_;
    std::string probe_replies_; // of the current probe and its follow-ups
    bool heard_anything_ = false;
    bool listened_again_ = false; // after part of a greeting, or a reset that may have taken one
    Identification result_;
    std::string answer_;
};

// How long identification waits for what a server says unasked before it starts asking: an
// eighth of the target's deadline, at most half a second.
[[nodiscard]] std::chrono::nanoseconds unasked_wait_of(std::chrono::nanoseconds timeout);

} // namespace portent::probe::identify
