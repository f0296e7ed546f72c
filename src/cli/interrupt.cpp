#include "cli/interrupt.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace portent::cli {

namespace {

constexpr int caught_signals[] = {SIGINT, SIGTERM};

// The handler can reach only what is global; an InterruptCatcher sets these up and tears them down.
std::atomic<int> first_signal{0};
int pipe_ends[2] = {-1, -1};
struct sigaction former_actions[2];

void on_signal(int number)
{
    const int saved_errno = errno;
    int none = 0;
    first_signal.compare_exchange_strong(none, number);
    struct sigaction default_action
    {
    };
    default_action.sa_handler = SIG_DFL;
    for (const int caught : caught_signals) // the next one ends the program
        (void)::sigaction(caught, &default_action, nullptr);
    const char byte = 1;
    (void)!::write(pipe_ends[1], &byte, 1);
    errno = saved_errno;
}

} // namespace

InterruptCatcher::InterruptCatcher()
{
    first_signal = 0;
    if (::pipe2(pipe_ends, O_CLOEXEC | O_NONBLOCK) != 0) {
        pipe_ends[0] = pipe_ends[1] = -1;
        return;
    }
    struct sigaction action
    {
    };
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (const int caught : caught_signals)
        sigaddset(&action.sa_mask, caught);
    action.sa_flags = SA_RESTART;
    // A signal ignored when the program started (a job started in the background) stays ignored.
    for (std::size_t i = 0; i < std::size(caught_signals); ++i)
        if (::sigaction(caught_signals[i], nullptr, &former_actions[i]) == 0 &&
            former_actions[i].sa_handler != SIG_IGN)
            (void)::sigaction(caught_signals[i], &action, nullptr);
}

InterruptCatcher::~InterruptCatcher()
{
    if (pipe_ends[0] < 0)
        return;
    for (std::size_t i = 0; i < std::size(caught_signals); ++i)
        (void)::sigaction(caught_signals[i], &former_actions[i], nullptr);
    ::close(pipe_ends[0]);
    ::close(pipe_ends[1]);
    pipe_ends[0] = pipe_ends[1] = -1;
}

int InterruptCatcher::descriptor() const
{
    return pipe_ends[0];
}

int InterruptCatcher::signal() const
{
    return first_signal;
}

} // namespace portent::cli
