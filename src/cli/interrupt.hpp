#pragma once

// While an InterruptCatcher lives, SIGINT and SIGTERM do not end the program: the first one is
// remembered and makes descriptor() readable, so that a run can stop and report what it has
// learnt. After it, either signal ends the program at once, as usual. One at a time.
namespace portent::cli {

class InterruptCatcher
{
public:
    InterruptCatcher();
    InterruptCatcher(const InterruptCatcher&) = delete;
    InterruptCatcher& operator=(const InterruptCatcher&) = delete;
    ~InterruptCatcher(); // the signals' former actions come back

    // Readable once a signal has come; -1 when no pipe could be made (signals are then not caught).
    [[nodiscard]] int descriptor() const;
    // 0, or the first signal that came (SIGINT, SIGTERM).
    [[nodiscard]] int signal() const;
};

} // namespace portent::cli
