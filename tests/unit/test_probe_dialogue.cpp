#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

using namespace portent::probe;

TEST_CASE("dialogue_named() knows the dialogues and the services that speak them", "[probe][dialogue]")
{
    CHECK(dialogue_named("http") == DialogueKind::http);
    CHECK(dialogue_named("https") == DialogueKind::https);
    CHECK(dialogue_named("banner") == DialogueKind::banner);
    CHECK(dialogue_named("generic") == DialogueKind::generic);
    CHECK(dialogue_named("www") == DialogueKind::http);
    CHECK(dialogue_named("ssh") == DialogueKind::banner);
    CHECK(dialogue_named("smtp") == DialogueKind::smtp);
    CHECK(dialogue_named("submission") == DialogueKind::smtp);
    CHECK(dialogue_named("imaps") == DialogueKind::tls);
    CHECK(dialogue_named("snmp") == DialogueKind::snmp);
    CHECK_FALSE(dialogue_named("HTTP").has_value());
    CHECK_FALSE(dialogue_named("no-such-dialogue").has_value());
    CHECK_FALSE(dialogue_named("").has_value());
}

TEST_CASE("dialogue_for_service() falls back to generic", "[probe][dialogue]")
{
    CHECK(dialogue_for_service("daytime") == DialogueKind::daytime);
    CHECK(dialogue_for_service("time") == DialogueKind::time);
    CHECK(dialogue_for_service("echo") == DialogueKind::echo);
    CHECK(dialogue_for_service("imap2") == DialogueKind::imap);
    CHECK(dialogue_for_service("nntp") == DialogueKind::banner);
    CHECK(dialogue_for_service("domain") == DialogueKind::dns);
    CHECK(dialogue_for_service("ntp") == DialogueKind::ntp);
    CHECK(dialogue_for_service("pop3s") == DialogueKind::tls);
    CHECK(dialogue_for_service("rsync") == DialogueKind::generic);
    // SNMP guesses a community: only when asked for with --as.
    CHECK(dialogue_for_service("snmp") == DialogueKind::generic);
}

TEST_CASE("stream dialogues become generic over UDP", "[probe][dialogue]")
{
    CHECK(dialogue_over(DialogueKind::http, Transport::udp) == DialogueKind::generic);
    CHECK(dialogue_over(DialogueKind::https, Transport::udp) == DialogueKind::generic);
    CHECK(dialogue_over(DialogueKind::banner, Transport::udp) == DialogueKind::generic);
    CHECK(dialogue_over(DialogueKind::daytime, Transport::udp) == DialogueKind::daytime);
    CHECK(dialogue_over(DialogueKind::http, Transport::tcp) == DialogueKind::http);
    CHECK(dialogue_over(DialogueKind::smtp, Transport::udp) == DialogueKind::generic);
    CHECK(dialogue_over(DialogueKind::tls, Transport::udp) == DialogueKind::generic);
    CHECK(dialogue_over(DialogueKind::dns, Transport::udp) == DialogueKind::dns);
    CHECK(dialogue_over(DialogueKind::dns, Transport::tcp) == DialogueKind::dns);
}

TEST_CASE("ntp and snmp become generic over TCP", "[probe][dialogue]")
{
    CHECK(dialogue_over(DialogueKind::ntp, Transport::tcp) == DialogueKind::generic);
    CHECK(dialogue_over(DialogueKind::snmp, Transport::tcp) == DialogueKind::generic);
    CHECK(dialogue_over(DialogueKind::ntp, Transport::udp) == DialogueKind::ntp);
}

TEST_CASE("every dialogue has a name that names it back", "[probe][dialogue]")
{
    for (const DialogueKind kind :
         {DialogueKind::generic, DialogueKind::daytime, DialogueKind::time, DialogueKind::echo,
          DialogueKind::http, DialogueKind::https, DialogueKind::tls, DialogueKind::banner,
          DialogueKind::smtp, DialogueKind::imap, DialogueKind::pop3, DialogueKind::ftp, DialogueKind::dns,
          DialogueKind::ntp, DialogueKind::snmp})
        CHECK(dialogue_named(to_string(kind)) == kind);
    CHECK(to_string(Transport::tcp) == "tcp");
    CHECK(to_string(Transport::udp) == "udp");
}

TEST_CASE("generic: what a TCP server says unasked within a short wait, a UDP reply", "[probe][dialogue]")
{
    auto tcp = make_generic_dialogue(Transport::tcp);
    CHECK(tcp->answer_wait() == unasked_answer_wait);
    CHECK(unasked_answer_wait <= std::chrono::milliseconds(250));
    CHECK(tcp->request().empty());
    CHECK_FALSE(tcp->complete(""));
    CHECK(tcp->complete("!\"#$%&'()*+,-./0123"));
    const Judgement chargen = tcp->judge({"!\"#$%&'()*+,-./0123", ReadEnd::complete});
    CHECK_FALSE(chargen.passed.has_value());
    CHECK(chargen.answer == "!\"#$%&'()*+,-./0123");
    CHECK(tcp->judge({"", ReadEnd::deadline}).answer.empty());

    auto udp = make_generic_dialogue(Transport::udp);
    CHECK_FALSE(udp->answer_wait().has_value());
    CHECK(udp->request().empty());
    const Judgement judgement = udp->judge({"pong", ReadEnd::datagram});
    CHECK_FALSE(judgement.passed.has_value());
    CHECK(judgement.answer == "pong");
}
