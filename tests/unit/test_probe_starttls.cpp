#include "probe/dialogue/starttls.hpp"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <utility>

using namespace portent::probe;

namespace {

// Runs `start_tls` over the replies given, checking that each step sends `command` and that its
// reply is complete only once whole; returns the state it ended in.
StartTls converse(DialogueKind dialogue,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> steps)
{
    std::optional<StartTls> start_tls = StartTls::of(dialogue);
    REQUIRE(start_tls);
    for (const auto& [command, reply] : steps) {
        REQUIRE_FALSE(start_tls->finished());
        CHECK(start_tls->command() == command);
        CHECK_FALSE(start_tls->complete(reply.substr(0, reply.size() - 1)));
        CHECK(start_tls->complete(reply));
        start_tls->take(reply, ReadEnd::complete);
    }
    CHECK(start_tls->finished());
    return *start_tls;
}

} // namespace

TEST_CASE("starttls is there for smtp, imap, pop3 and ftp only", "[probe][starttls]")
{
    CHECK_FALSE(StartTls::of(DialogueKind::banner));
    CHECK_FALSE(StartTls::of(DialogueKind::https));
}

TEST_CASE("smtp: greeting, EHLO, STARTTLS (RFC 3207)", "[probe][starttls]")
{
    const StartTls done =
        converse(DialogueKind::smtp,
                 {{"", "220 mail.test ESMTP OpenSMTPD\r\n"},
                  {"EHLO portent.invalid\r\n", "250-mail.test Hello\r\n250-STARTTLS\r\n250 HELP\r\n"},
                  {"STARTTLS\r\n", "220 2.0.0 Ready to start TLS\r\n"}});
    CHECK(done.upgrade());
    CHECK(done.judgement().passed == true);
    CHECK(done.judgement().answer == "220 mail.test ESMTP OpenSMTPD");
}

TEST_CASE("smtp without STARTTLS passes its greeting and says so", "[probe][starttls]")
{
    const StartTls done =
        converse(DialogueKind::smtp, {{"", "220-mail.test\r\n220 ESMTP\r\n"},
                                      {"EHLO portent.invalid\r\n", "250 mail.test\r\n"},
                                      {"STARTTLS\r\n", "502 5.5.1 Command not implemented\r\n"}});
    CHECK_FALSE(done.upgrade());
    CHECK(done.judgement().passed == true);
    CHECK(done.judgement().answer == "220-mail.test");
    CHECK(done.judgement().detail ==
          "no TLS: the server answered STARTTLS with: 502 5.5.1 Command not implemented");
}

TEST_CASE("smtp fails a greeting that turns the client away", "[probe][starttls]")
{
    const StartTls done = converse(DialogueKind::smtp, {{"", "554 no service here\r\n"}});
    CHECK_FALSE(done.upgrade());
    CHECK(done.judgement().passed == false);
    CHECK(done.judgement().detail == "not a greeting of the protocol");
}

TEST_CASE("imap: greeting, tagged STARTTLS (RFC 2595)", "[probe][starttls]")
{
    const StartTls done =
        converse(DialogueKind::imap,
                 {{"", "* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n"},
                  {"a1 STARTTLS\r\n", "* CAPABILITY IMAP4rev1\r\na1 OK Begin TLS negotiation now.\r\n"}});
    CHECK(done.upgrade());
    CHECK(done.judgement().answer == "* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.");
    const StartTls refused = converse(
        DialogueKind::imap, {{"", "* PREAUTH ready\r\n"}, {"a1 STARTTLS\r\n", "a1 BAD unknown command\r\n"}});
    CHECK_FALSE(refused.upgrade());
    CHECK(refused.judgement().passed == true);
    CHECK(refused.judgement().detail ==
          "no TLS: the server answered a1 STARTTLS with: a1 BAD unknown command");
}

TEST_CASE("pop3: greeting, STLS (RFC 2595)", "[probe][starttls]")
{
    const StartTls done = converse(DialogueKind::pop3, {{"", "+OK Dovecot ready.\r\n"},
                                                        {"STLS\r\n", "+OK Begin TLS negotiation now.\r\n"}});
    CHECK(done.upgrade());
    const StartTls refused =
        converse(DialogueKind::pop3, {{"", "+OK ready\r\n"}, {"STLS\r\n", "-ERR no\r\n"}});
    CHECK_FALSE(refused.upgrade());
    const StartTls not_pop3 = converse(DialogueKind::pop3, {{"", "+OKAY\r\n"}});
    CHECK(not_pop3.judgement().passed == false);
}

TEST_CASE("ftp: greeting, AUTH TLS (RFC 4217)", "[probe][starttls]")
{
    const StartTls done =
        converse(DialogueKind::ftp, {{"", "220-Welcome\r\n220-to the test\r\n220 (vsFTPd 3.0.3)\r\n"},
                                     {"AUTH TLS\r\n", "234 Proceed with negotiation.\r\n"}});
    CHECK(done.upgrade());
    CHECK(done.judgement().answer == "220-Welcome");
}

TEST_CASE("starttls says why a reply that never ended fails", "[probe][starttls]")
{
    std::optional<StartTls> start_tls = StartTls::of(DialogueKind::ftp);
    REQUIRE(start_tls);
    start_tls->take("220-Welcome\r\n", ReadEnd::deadline);
    CHECK(start_tls->finished());
    CHECK(start_tls->judgement().passed == false);
    CHECK(start_tls->judgement().detail == "no complete answer before the deadline");
    std::optional<StartTls> closed = StartTls::of(DialogueKind::smtp);
    closed->take("220 hi\r\n", ReadEnd::complete);
    closed->take("", ReadEnd::end_of_stream);
    CHECK(closed->judgement().passed == true);
    CHECK(closed->judgement().detail == "no TLS: connection closed before a complete answer");
}
