#include "probe/duration.hpp"

#include <catch2/catch.hpp>

using portent::probe::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("parse_duration() reads a number and a unit", "[probe][duration]")
{
    CHECK(parse_duration("500ms") == 500ms);
    CHECK(parse_duration("2s") == 2s);
    CHECK(parse_duration("1.5s") == 1500ms);
    CHECK(parse_duration("0.25s") == 250ms);
    CHECK(parse_duration("250us") == 250us);
    CHECK(parse_duration("1m") == 60s);
    CHECK(parse_duration("1h") == 3600s);
    CHECK(parse_duration("1.000000001s") == 1'000'000'001ns);
}

TEST_CASE("parse_duration() takes a bare number as seconds", "[probe][duration]")
{
    CHECK(parse_duration("2") == 2s);
    CHECK(parse_duration("0.5") == 500ms);
}

TEST_CASE("parse_duration() refuses what is not a positive duration up to a day", "[probe][duration]")
{
    for (const char* text :
         {"",       "ms",    "s",  "banana", "5parsecs", "2 s",   " 2s",         "2s ",
          "-1s",    "+1s",   "0",  "0s",     "0.0ms",    "1.s",   ".5s",         "1..5s",
          "1.2.3s", "1e3ms", "2S", "2sec",   "25h",      "1441m", "9999999999s", "0.0000000001s"})
        CHECK_FALSE(parse_duration(text).has_value());
    CHECK(parse_duration("24h") == 24h);
}
