#include "probe/identify/identifier.hpp"

#include "probe/dialogue/starttls.hpp"

#include <algorithm>

namespace portent::probe::identify {

std::chrono::nanoseconds unasked_wait_of(std::chrono::nanoseconds timeout)
{
    return std::min<std::chrono::nanoseconds>(timeout / 8, std::chrono::milliseconds(500));
}

Identifier::Identifier(std::string host, std::uint16_t port, std::chrono::nanoseconds timeout)
    : host_(std::move(host)), port_(port),
      unasked_wait_(unasked_wait_of(timeout)), order_{Probe::http, Probe::redis,      Probe::memcached,
                                                      Probe::mqtt, Probe::postgresql, Probe::tls}
{
}

std::chrono::nanoseconds Identifier::wait(std::chrono::nanoseconds remaining) const
{
    switch (stage_) {
    case Stage::greeting:
        return greeting_.empty() && !listened_again_ ? std::min(remaining, unasked_wait_) : remaining / 2;
    case Stage::probing: {
        // The first probe, on the connection that stayed silent, has half of what is left: a
        // server that greets late greets there. The others share the rest; a follow-up has
        // what its probe had.
        const auto left = static_cast<std::chrono::nanoseconds::rep>(order_.size() - probe_);
        if (!probe_replies_.empty())
            return remaining;
        return probe_ == 0 ? remaining / 2 : remaining / std::max<std::chrono::nanoseconds::rep>(left, 1);
    }
    case Stage::ehlo:
    case Stage::inside_tls: break;
    }
    return remaining;
}

bool Identifier::complete(std::string_view received) const
{
    switch (stage_) {
    case Stage::greeting: return greeting_complete(received);
    case Stage::ehlo: return received.find('\n') != std::string_view::npos;
    case Stage::probing: return reply_complete(order_[probe_], received);
    case Stage::inside_tls: return greeting_complete(received) || reply_complete(Probe::tls, received);
    }
    return true;
}

namespace {

// Whether the connection is still there after a read that ended this way.
bool still_open(ReadEnd end)
{
    return end == ReadEnd::complete || end == ReadEnd::deadline || end == ReadEnd::byte_cap;
}

} // namespace

void Identifier::take(std::string_view received, ReadEnd end, std::chrono::system_clock::time_point now)
{
    heard_anything_ = heard_anything_ || !received.empty();
    switch (stage_) {
    case Stage::greeting: take_greeting(received, end, now); return;
    case Stage::ehlo:
        if (auto found = from_ehlo_reply(greeting_, received))
            finish(std::move(*found), greeting_);
        else
            finish_unknown("a 220 greeting that names no protocol, and no 250 to EHLO", greeting_);
        return;
    case Stage::inside_tls: {
        std::optional<Identification> found = from_greeting(received, end, now);
        if (!found)
            found = from_reply(Probe::tls, received, end);
        if (found) {
            found->service = over_tls(*found->service);
            found->evidence = "TLS handshake, then " + found->evidence;
            finish(std::move(*found), received);
        } else {
            finish(named("tls", "TLS handshake; nothing known said inside"), received);
        }
        return;
    }
    case Stage::probing: take_probe_reply(received, end, now); return;
    }
}

void Identifier::take_greeting(std::string_view received, ReadEnd end,
                               std::chrono::system_clock::time_point now)
{
    if (received.empty() && greeting_.empty()) {
        next_probe(end == ReadEnd::deadline); // silent: ask on the same connection
        return;
    }
    greeting_ += received;
    if (needs_ehlo(greeting_) && still_open(end)) {
        stage_ = Stage::ehlo;
        request_ = smtp_ehlo;
        return;
    }
    if (auto found = from_greeting(greeting_, end, now)) {
        finish(std::move(*found), greeting_);
        return;
    }
    // Part of a greeting when the wait ended (a time count not yet closed, a line not yet
    // ended): listen once more, with half of what is left.
    if (end == ReadEnd::deadline && !listened_again_ && !greeting_complete(greeting_)) {
        listened_again_ = true;
        return;
    }
    finish_unknown("the greeting matches no rule", greeting_);
}

void Identifier::take_probe_reply(std::string_view received, ReadEnd end,
                                  std::chrono::system_clock::time_point now)
{
    // The connection that stayed silent was reset after the request: a server that greets late
    // and hangs up on what it does not understand, whose greeting the reset took away. Listen
    // once more, on a new connection, with half of what is left.
    if (probe_ == 0 && received.empty() && end == ReadEnd::reset && !listened_again_) {
        listened_again_ = true;
        ++probe_;
        stage_ = Stage::greeting;
        action_ = Action::reconnect_exchange;
        request_.clear();
        return;
    }
    const Probe probe = order_[probe_];
    probe_replies_ += received;
    // The reply repeats the request: echo (RFC 862).
    if (received.size() >= 4 && std::string_view(request_).starts_with(received) &&
        probe_replies_ == received) {
        finish(named("echo", "the reply repeats the request (RFC 862)"), received);
        return;
    }
    std::optional<Identification> found = from_reply(probe, probe_replies_, end);
    if (!found) // a server that speaks first, late
        found = from_greeting(probe_replies_, end, now);
    if (found) {
        finish(std::move(*found), probe_replies_);
        return;
    }
    if (std::string more = follow_up(probe, probe_replies_); !more.empty() && still_open(end)) {
        request_ = std::move(more);
        action_ = Action::exchange;
        return;
    }
    if (suggests_tls(probe_replies_)) {
        const auto next = order_.begin() + static_cast<std::ptrdiff_t>(probe_) + 1;
        const auto tls = std::ranges::find(next, order_.end(), Probe::tls);
        if (tls != order_.end())
            std::rotate(next, tls, tls + 1);
    }
    ++probe_;
    next_probe(false);
}

void Identifier::take_failed_handshake()
{
    ++probe_;
    next_probe(false);
}

void Identifier::give_up()
{
    if (action_ == Action::finished)
        return;
    finish_unknown(heard_anything_ ? "no reply matched a rule before the deadline"
                                   : "nothing said unasked or to a probe before the deadline");
}

void Identifier::next_probe(bool connection_open)
{
    stage_ = Stage::probing;
    probe_replies_.clear();
    if (probe_ >= order_.size()) {
        finish_unknown(heard_anything_ ? "no reply matched a rule" : "nothing said unasked or to any probe");
        return;
    }
    const Probe probe = order_[probe_];
    request_ = request_of(probe, host_, port_);
    if (probe == Probe::tls) {
        stage_ = Stage::inside_tls;
        action_ = Action::tls_exchange;
        return;
    }
    action_ = connection_open ? Action::exchange : Action::reconnect_exchange;
}

void Identifier::finish(Identification found, std::string_view reply)
{
    action_ = Action::finished;
    result_ = std::move(found);
    answer_ = reply;
}

void Identifier::finish_unknown(std::string evidence, std::string_view reply)
{
    finish({std::nullopt, "", "", std::move(evidence)}, reply);
}

} // namespace portent::probe::identify
