#include "probe/dialogue/starttls.hpp"

#include "probe/dialogue/common.hpp"
#include "util/ascii.hpp"

#include <array>

namespace portent::probe {

namespace {

using Reply = StartTls::Reply;
using Step = StartTls::Step;
using util::is_digit;

constexpr std::array smtp_steps = {
    Step{"", Reply::numbered, "220"},
    Step{smtp_ehlo, Reply::numbered, "250"},
    Step{"STARTTLS\r\n", Reply::numbered, "220"},
};
constexpr std::array imap_steps = {
    Step{"", Reply::imap_greeting, "* OK"},
    Step{"a1 STARTTLS\r\n", Reply::imap_tagged, "a1 OK"},
};
constexpr std::array pop3_steps = {
    Step{"", Reply::pop3, "+OK"},
    Step{"STLS\r\n", Reply::pop3, "+OK"},
};
constexpr std::array ftp_steps = {
    Step{"", Reply::numbered, "220"},
    Step{"AUTH TLS\r\n", Reply::numbered, "234"},
};

// The whole lines of `text`, each without its line end, handed to `visit` until it returns true.
template <class Visit> bool any_whole_line(std::string_view text, Visit visit)
{
    for (std::size_t end = text.find('\n'); end != std::string_view::npos; end = text.find('\n')) {
        if (visit(dialogue_text::without_line_end(text.substr(0, end))))
            return true;
        text.remove_prefix(end + 1);
    }
    return false;
}

// The last line of a numbered reply: three digits, then a space or nothing.
bool last_numbered_line(std::string_view line)
{
    return line.size() >= 3 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]) &&
           (line.size() == 3 || line[3] == ' ');
}

// The line a reply is judged by: the last line of a numbered reply, the tagged line of IMAP,
// the first line otherwise.
std::string_view deciding_line(Reply kind, std::string_view reply)
{
    std::string_view found = dialogue_text::first_line(reply);
    if (kind == Reply::numbered || kind == Reply::imap_tagged)
        (void)any_whole_line(reply, [&](std::string_view line) {
            const bool last = kind == Reply::numbered ? last_numbered_line(line) : !line.starts_with("* ");
            if (last)
                found = line;
            return last;
        });
    return found;
}

} // namespace

std::optional<StartTls> StartTls::of(DialogueKind dialogue)
{
    switch (dialogue) {
    case DialogueKind::smtp: return StartTls(smtp_steps);
    case DialogueKind::imap: return StartTls(imap_steps);
    case DialogueKind::pop3: return StartTls(pop3_steps);
    case DialogueKind::ftp: return StartTls(ftp_steps);
    default: return std::nullopt;
    }
}

std::string_view StartTls::command() const
{
    return finished_ ? "" : steps_[step_].command;
}

bool StartTls::complete(std::string_view received) const
{
    return !finished_ && reply_complete(steps_[step_].reply, received);
}

bool StartTls::reply_complete(Reply kind, std::string_view received)
{
    switch (kind) {
    case Reply::numbered: return any_whole_line(received, last_numbered_line);
    case Reply::imap_tagged:
        return any_whole_line(received, [](std::string_view line) { return !line.starts_with("* "); });
    case Reply::pop3:
    case Reply::imap_greeting: return received.find('\n') != std::string_view::npos;
    }
    return false;
}

bool StartTls::reply_positive(Reply kind, std::string_view reply, std::string_view expected)
{
    const std::string_view line = deciding_line(kind, reply);
    if (kind == Reply::imap_greeting && line.starts_with("* PREAUTH"))
        return true;
    if (!line.starts_with(expected))
        return false;
    // "+OK" and "* OK" end there or go on with a space; a number always does.
    return line.size() == expected.size() || line[expected.size()] == ' ' || kind == Reply::numbered;
}

void StartTls::take(std::string_view reply, ReadEnd end)
{
    if (finished_)
        return;
    const Step& step = steps_[step_];
    const bool whole = reply_complete(step.reply, reply);
    const bool positive = whole && reply_positive(step.reply, reply, step.expected);
    const std::string_view line = deciding_line(step.reply, reply);
    if (step_ == 0) {
        judgement_.answer = std::string(dialogue_text::first_line(reply));
        judgement_.passed = positive;
        if (!positive) {
            judgement_.detail = !whole ? dialogue_text::unfinished(end) : "not a greeting of the protocol";
            finished_ = true;
            return;
        }
    } else if (!positive) {
        judgement_.detail = whole ? "no TLS: the server answered " +
                                        std::string(step.command.substr(0, step.command.find('\r'))) +
                                        " with: " + std::string(line)
                                  : "no TLS: " + dialogue_text::unfinished(end);
        finished_ = true;
        return;
    }
    if (++step_ == steps_.size()) {
        finished_ = true;
        upgrade_ = true;
    }
}

} // namespace portent::probe
