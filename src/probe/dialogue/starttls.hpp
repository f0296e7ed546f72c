#pragma once

#include "probe/dialogue/dialogue.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

// The plain-text start of a mail or file-transfer session up to its TLS upgrade, without
// sockets: SMTP STARTTLS (RFC 3207), IMAP STARTTLS and POP3 STLS (RFC 2595), FTP AUTH TLS
// (RFC 4217). The runner sends each step's command, reads its reply until complete(), hands it
// to take(), and makes the TLS handshake when upgrade() says so.
namespace portent::probe {

// The EHLO portent sends to an SMTP server (RFC 5321, 4.1.1.1), naming itself by a domain that
// never resolves (RFC 6761).
inline constexpr std::string_view smtp_ehlo = "EHLO portent.invalid\r\n";

class StartTls
{
public:
    // nullopt for a dialogue that has no STARTTLS.
    [[nodiscard]] static std::optional<StartTls> of(DialogueKind dialogue);

    // True once there is no more to send or read in plain text.
    [[nodiscard]] bool finished() const { return finished_; }
    // What to send before the next reply ("" for the greeting, which the server sends unasked).
    [[nodiscard]] std::string_view command() const;
    // True when `received` holds the whole reply of the current step.
    [[nodiscard]] bool complete(std::string_view received) const;
    // The reply of the current step, read until complete() or how reading ended.
    void take(std::string_view reply, ReadEnd end);
    // True when the server agreed to start TLS: the handshake comes next.
    [[nodiscard]] bool upgrade() const { return upgrade_; }
    // Passed when the greeting is the protocol's positive one; the answer is its first line;
    // the detail says why it failed, or that the server would not start TLS, and what it said.
    [[nodiscard]] Judgement judgement() const { return judgement_; }

    // One kind of reply, for the unit tests too.
    enum class Reply
    {
        numbered,      // SMTP, FTP: "250-…" lines, then "250 …" (RFC 5321 4.2, RFC 959 4.2)
        pop3,          // one "+OK …" or "-ERR …" line
        imap_greeting, // one "* OK …" line
        imap_tagged    // untagged lines, then "a1 OK …"
    };
    [[nodiscard]] static bool reply_complete(Reply kind, std::string_view received);
    [[nodiscard]] static bool reply_positive(Reply kind, std::string_view reply, std::string_view expected);

    struct Step
    {
        std::string_view command;
        Reply reply;
        std::string_view expected; // what a positive reply starts with: "220", "+OK", "a1 OK", …
    };

private:
    explicit StartTls(std::span<const Step> steps) : steps_(steps) {}

    std::span<const Step> steps_;
    std::size_t step_ = 0;
    bool finished_ = false;
    bool upgrade_ = false;
    Judgement judgement_{false, "", ""};
};

} // namespace portent::probe
