#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace portent::probe;
using namespace std::chrono;

namespace {

constexpr std::int64_t seconds_from_1900_to_1970 = 2'208'988'800;

std::string network_order(std::uint32_t value)
{
    std::string bytes(4, '\0');
    for (int i = 3; i >= 0; --i, value >>= 8U)
        bytes[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xFFU);
    return bytes;
}

// 2024-11-26 22:39:07 UTC
constexpr sys_seconds known_instant{seconds{1'732'660'747}};

std::string count_of(sys_seconds instant)
{
    return network_order(
        static_cast<std::uint32_t>(instant.time_since_epoch().count() + seconds_from_1900_to_1970));
}

} // namespace

TEST_CASE("time shows the server's seconds since 1900 as UTC", "[probe][time]")
{
    auto dialogue = make_time_dialogue();
    CHECK(dialogue->request().empty());
    const Judgement judgement =
        dialogue->judge({count_of(known_instant), ReadEnd::complete, known_instant + 300ms});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "2024-11-26 22:39:07 UTC");
    CHECK(judgement.detail == "offset from the local clock: 0 s");
}

TEST_CASE("time reports the offset from the local clock", "[probe][time]")
{
    auto dialogue = make_time_dialogue();
    const std::string bytes = count_of(known_instant);
    CHECK(dialogue->judge({bytes, ReadEnd::complete, known_instant - 10s + 200ms}).detail ==
          "offset from the local clock: +10 s");
    CHECK(dialogue->judge({bytes, ReadEnd::complete, known_instant + 65s + 200ms}).detail ==
          "offset from the local clock: -65 s");
}

TEST_CASE("time reads counts before 1970 as after the 2036 wrap", "[probe][time]")
{
    auto dialogue = make_time_dialogue();
    CHECK(dialogue->judge({network_order(0), ReadEnd::complete}).answer == "2036-02-07 06:28:16 UTC");
    CHECK(dialogue->judge({network_order(0xFFFFFFFFU), ReadEnd::complete}).answer ==
          "2036-02-07 06:28:15 UTC");
    CHECK(dialogue->judge({network_order(2'208'988'800U), ReadEnd::complete}).answer ==
          "1970-01-01 00:00:00 UTC");
}

TEST_CASE("time wants exactly four bytes", "[probe][time]")
{
    auto dialogue = make_time_dialogue();
    CHECK_FALSE(dialogue->complete("abc"));
    CHECK(dialogue->complete("abcd"));

    const Judgement short_answer = dialogue->judge({"abc", ReadEnd::end_of_stream});
    CHECK(short_answer.passed == false);
    CHECK_FALSE(short_answer.detail.empty());

    const Judgement long_answer = dialogue->judge({"abcde", ReadEnd::complete});
    CHECK(long_answer.passed == false);
    CHECK(long_answer.detail == "expected 4 bytes, received 5");

    CHECK(dialogue->judge({"", ReadEnd::deadline}).detail.find("deadline") != std::string::npos);
}

TEST_CASE("time fails bytes that are no plausible time, and shows their offset", "[probe][time]")
{
    auto dialogue = make_time_dialogue();
    const Judgement letters = dialogue->judge({"HHHH", ReadEnd::complete, known_instant});
    CHECK(letters.passed == false);
    CHECK(letters.answer == "2074-07-13 02:39:04 UTC"); // 0x48484848 s after 1900, past the 2036 wrap
    CHECK(letters.detail.starts_with("offset from the local clock: +"));
    CHECK(letters.detail.ends_with(" s, more than a day: not a plausible time"));

    CHECK(dialogue->judge({network_order(2'208'988'800U), ReadEnd::datagram, known_instant}).passed == false);
    CHECK(dialogue->judge({count_of(known_instant + 25h), ReadEnd::complete, known_instant}).passed == false);
    CHECK(dialogue->judge({count_of(known_instant - 25h), ReadEnd::complete, known_instant}).passed == false);
    const Judgement wrong_zone =
        dialogue->judge({count_of(known_instant - 5h), ReadEnd::complete, known_instant});
    CHECK(wrong_zone.passed == true);
    CHECK(wrong_zone.detail == "offset from the local clock: -18000 s");
}
