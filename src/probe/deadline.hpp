#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace portent::probe {

// The one place where timeouts live. A deadline is armed once per target; while an exchange
// watches it, passing the deadline runs the exchange's expiry action (closing its socket), so
// that every pending and later operation on that socket ends at once. Exchanges check
// expired() to tell a deadline from other failures. The timer only starts when something is
// watched: a probe that ends without waiting costs no timer. One per worker, re-armed for each
// target. (With Boost >= 1.86 this could become asio::cancel_after.)
class Deadline
{
public:
    using Clock = std::chrono::steady_clock;

    explicit Deadline(const boost::asio::any_io_executor& executor)
        : state_(std::make_shared<State>(executor))
    {
    }
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;
    ~Deadline() = default; // the timer's destructor cancels a pending wait

    void arm(Clock::time_point at)
    {
        disarm();
        state_->at = at;
        state_->expired = false;
        state_->interrupted = false;
    }

    void disarm()
    {
        State& state = *state_;
        ++state.generation;
        state.on_expiry = nullptr;
        if (state.timer_started)
            state.timer.cancel();
        state.timer_started = false;
    }

    [[nodiscard]] bool expired() const { return state_->expired; }

    // Makes the armed deadline pass now, as the run is being stopped; interrupted() tells it
    // from a deadline that passed by itself until the next arm().
    void interrupt()
    {
        State& state = *state_;
        state.interrupted = true;
        if (state.expired)
            return;
        state.expired = true;
        if (state.on_expiry)
            state.on_expiry();
    }
    [[nodiscard]] bool interrupted() const { return state_->interrupted; }
    // The armed time.
    [[nodiscard]] Clock::time_point at() const { return state_->at; }

    // Brings the armed deadline forward to `at` when that is earlier; a watch goes on.
    void shorten(Clock::time_point at)
    {
        State& state = *state_;
        if (at >= state.at)
            return;
        state.at = at;
        if (!state.timer_started)
            return;
        ++state.generation; // the wait for the old time, cancelled, must not expire the new one
        state.timer.cancel();
        state.timer_started = false;
        start_timer();
    }

    // Until the returned guard is destroyed, the deadline's passing runs `on_expiry`; if it has
    // passed already, `on_expiry` runs at once.
    [[nodiscard]] auto watch(std::function<void()> on_expiry)
    {
        State& state = *state_;
        if (!state.expired && Clock::now() >= state.at)
            state.expired = true;
        if (state.expired)
            on_expiry();
        else
            start_timer();
        state.on_expiry = std::move(on_expiry);
        auto stop_watching = [](State* watched) { watched->on_expiry = nullptr; };
        return std::unique_ptr<State, decltype(stop_watching)>(state_.get(), stop_watching);
    }

private:
    struct State
    {
        explicit State(const boost::asio::any_io_executor& executor) : timer(executor) {}
        boost::asio::steady_timer timer;
        std::function<void()> on_expiry;
        Clock::time_point at{};
        unsigned long generation = 0;
        bool timer_started = false;
        bool expired = false;
        bool interrupted = false;
    };

    void start_timer()
    {
        State& state = *state_;
        if (state.timer_started)
            return;
        state.timer_started = true;
        state.timer.expires_at(state.at);
        state.timer.async_wait([weak = std::weak_ptr<State>(state_),
                                generation = state.generation](const boost::system::error_code& error) {
            const std::shared_ptr<State> state = weak.lock();
            if (error || !state || state->generation != generation)
                return;
            state->expired = true;
            if (state->on_expiry)
                state->on_expiry();
        });
    }

    std::shared_ptr<State> state_;
};

} // namespace portent::probe
