#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

using namespace portent::probe;

TEST_CASE("daytime over TCP reads to the end of the stream", "[probe][daytime]")
{
    auto dialogue = make_daytime_dialogue(Transport::tcp);
    CHECK(dialogue->request().empty());
    CHECK_FALSE(dialogue->complete("24 NOV 2026 23:07:59 UTC\r\n"));

    const Judgement whole = dialogue->judge({"24 NOV 2026 23:07:59 UTC\r\n", ReadEnd::end_of_stream});
    CHECK(whole.passed == true);
    CHECK(whole.answer == "24 NOV 2026 23:07:59 UTC");
    CHECK(whole.detail.empty());
}

TEST_CASE("daytime fails on what is not one whole answer", "[probe][daytime]")
{
    auto dialogue = make_daytime_dialogue(Transport::tcp);
    // "At most 4 KiB of an answer is read" (README): the cap written out, not taken from the code.
    constexpr std::size_t documented_cap = 4096;
    CHECK(answer_byte_cap == documented_cap);
    const Judgement capped = dialogue->judge({std::string(documented_cap, 'x'), ReadEnd::byte_cap});
    CHECK(capped.passed == false);
    CHECK(capped.answer.size() == documented_cap);
    CHECK(capped.detail.find("4096") != std::string::npos);

    const Judgement late = dialogue->judge({"24 NOV", ReadEnd::deadline});
    CHECK(late.passed == false);
    CHECK(late.answer == "24 NOV");
    CHECK(late.detail.find("deadline") != std::string::npos);

    const Judgement empty = dialogue->judge({"", ReadEnd::end_of_stream});
    CHECK(empty.passed == false);
    CHECK(empty.detail == "empty answer");

    CHECK(dialogue->judge({"24 NOV", ReadEnd::reset}).passed == false);
}

TEST_CASE("daytime over UDP takes the one reply", "[probe][daytime]")
{
    auto dialogue = make_daytime_dialogue(Transport::udp);
    CHECK(dialogue->complete(""));
    const Judgement reply = dialogue->judge({"Tue Nov 26 22:39:07 2024\n", ReadEnd::datagram});
    CHECK(reply.passed == true);
    CHECK(reply.answer == "Tue Nov 26 22:39:07 2024");
}

TEST_CASE("daytime fails what is not printable ASCII text (RFC 867)", "[probe][daytime]")
{
    auto dialogue = make_daytime_dialogue(Transport::udp);
    const Judgement nul = dialogue->judge({std::string(2, '\0'), ReadEnd::datagram});
    CHECK(nul.passed == false);
    CHECK(nul.detail == "not printable ASCII text (RFC 867): byte 0x00 at offset 0");
    CHECK(dialogue->judge({"24 NOV 2026 \x1b[2J\r\n", ReadEnd::datagram}).detail ==
          "not printable ASCII text (RFC 867): byte 0x1b at offset 12");
    CHECK(dialogue->judge({"24\tNOV 2026\r\n", ReadEnd::datagram}).passed == false);
    CHECK(dialogue
              ->judge({"24 D\xc3\x89"
                       "C 2026\r\n",
                       ReadEnd::datagram})
              .passed == false);
    CHECK(dialogue->judge({"  \r\n", ReadEnd::datagram}).detail == "empty answer");
    CHECK(dialogue->judge({"Tuesday, November 26, 2024 22:39:07-UTC\r\n", ReadEnd::datagram}).passed == true);
}
