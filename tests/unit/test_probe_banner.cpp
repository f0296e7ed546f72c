#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

using namespace portent::probe;
using namespace std::string_literals;

TEST_CASE("banner is the first line the server sends", "[probe][banner]")
{
    auto dialogue = make_banner_dialogue();
    CHECK(dialogue->request().empty());
    CHECK_FALSE(dialogue->complete("SSH-2.0-OpenSSH"));
    CHECK(dialogue->complete("SSH-2.0-OpenSSH_9.2\r\n"));

    const Judgement judgement = dialogue->judge({"220 mail ESMTP\r\n250 more\r\n", ReadEnd::complete});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "220 mail ESMTP");
    CHECK(judgement.detail.empty());
}

TEST_CASE("banner keeps control bytes raw for the writers to show, and fails them", "[probe][banner]")
{
    auto dialogue = make_banner_dialogue();
    const std::string nasty = "hello\x00world \x1b[2J cr:\r end\r\n"s;
    const Judgement judgement = dialogue->judge({nasty, ReadEnd::complete});
    CHECK(judgement.answer == "hello\x00world \x1b[2J cr:\r end"s);
    CHECK(judgement.passed == false);
    CHECK(judgement.detail == "not a line of text: byte 0x00 at offset 5");
}

TEST_CASE("banner passes a line of UTF-8 text, and fails other bytes", "[probe][banner]")
{
    auto dialogue = make_banner_dialogue();
    CHECK(dialogue->judge({"220 mail\tready \xe2\x9c\x93\r\n", ReadEnd::complete}).passed == true);
    CHECK(dialogue->judge({"SSH-2.0-x\x7f\r\n", ReadEnd::complete}).detail ==
          "not a line of text: byte 0x7f at offset 9");
    CHECK(dialogue
              ->judge({"220 \xc2\x9b"
                       "1m\r\n",
                       ReadEnd::complete})
              .detail == "not a line of text: byte 0xc2 at offset 4");
    CHECK(dialogue
              ->judge({"220 \x9b"
                       "2m\r\n",
                       ReadEnd::complete})
              .passed == false);
    CHECK(dialogue->judge({"220 \xff\xfe\r\n", ReadEnd::complete}).passed == false);
    CHECK(dialogue->judge({"220 a\rb\r\n", ReadEnd::complete}).passed == false);
}

TEST_CASE("banner without a line end", "[probe][banner]")
{
    auto dialogue = make_banner_dialogue();
    CHECK(dialogue->judge({"+OK ready", ReadEnd::end_of_stream}).passed == true);

    const Judgement partial = dialogue->judge({"trick", ReadEnd::deadline});
    CHECK(partial.passed == false);
    CHECK(partial.answer == "trick");
    CHECK(partial.detail.find("deadline") != std::string::npos);

    // "At most 4 KiB of an answer is read" (README): the cap written out, not taken from the code.
    constexpr std::size_t documented_cap = 4096;
    CHECK(answer_byte_cap == documented_cap);
    const Judgement capped = dialogue->judge({std::string(documented_cap, 'A'), ReadEnd::byte_cap});
    CHECK(capped.passed == false);
    CHECK(capped.answer.size() == documented_cap);

    CHECK(dialogue->judge({"", ReadEnd::deadline}).detail == "no banner before the deadline");
    CHECK(dialogue->judge({"", ReadEnd::end_of_stream}).detail == "connection closed without a banner");
    CHECK(dialogue->judge({"partial", ReadEnd::reset}).passed == false);
    CHECK(dialogue->judge({"\r\n", ReadEnd::complete}).passed == false);
}
