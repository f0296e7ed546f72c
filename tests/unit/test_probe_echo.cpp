#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

using namespace portent::probe;

TEST_CASE("echo sends a fresh random token each time", "[probe][echo]")
{
    auto first = make_echo_dialogue();
    auto second = make_echo_dialogue();
    const std::string token = first->request();
    CHECK(token.size() >= 16);
    CHECK(token != second->request());
    CHECK(token != first->request());
}

TEST_CASE("echo passes only when the token comes back byte for byte", "[probe][echo]")
{
    auto dialogue = make_echo_dialogue();
    const std::string token = dialogue->request();

    const Judgement same = dialogue->judge({token, ReadEnd::complete});
    CHECK(same.passed == true);
    CHECK(same.answer == token);
    CHECK(same.detail.empty());

    std::string changed = token;
    changed[3] ^= 0x20;
    CHECK(dialogue->judge({changed, ReadEnd::complete}).passed == false);
    CHECK(dialogue->judge({token + "x", ReadEnd::complete}).detail == "more came back than was sent");
    CHECK(dialogue->judge({token, ReadEnd::datagram}).passed == true);
}

TEST_CASE("echo knows when the whole token is back", "[probe][echo]")
{
    auto dialogue = make_echo_dialogue();
    const std::string token = dialogue->request();
    CHECK_FALSE(dialogue->complete(token.substr(0, 5)));
    CHECK(dialogue->complete(token));

    const Judgement part = dialogue->judge({token.substr(0, 5), ReadEnd::deadline});
    CHECK(part.passed == false);
    CHECK(part.detail.find("deadline") != std::string::npos);
    CHECK(dialogue->judge({token.substr(0, 5), ReadEnd::datagram}).detail ==
          "only part of the token came back");
    CHECK(dialogue->judge({"", ReadEnd::end_of_stream}).passed == false);
}
