#include "probe/duration.hpp"

#include <catch2/catch.hpp>

#include <string>

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

TEST_CASE("parse_duration() says why it refuses", "[probe][duration]")
{
    const auto why = [](std::string_view text) {
        std::string reason;
        CHECK_FALSE(parse_duration(text, &reason).has_value());
        return reason;
    };
    for (const char* zero : {"0", "0s", "0.0ms", "000us", "-1s", "-0.5"})
        CHECK(why(zero) == "must be positive");
    for (const char* long_one : {"25h", "1441m", "86401", "9999999999s"})
        CHECK(why(long_one) == "must be at most 24h");
    CHECK(why("0.0000000001s") == "must be at least 1ns");
    for (const char* other : {"banana", "5parsecs", "2sec", "1e3ms", "", "-", "+1s", "1d"})
        CHECK(why(other) == "is not a duration: " + portent::probe::duration_syntax());
}

TEST_CASE("duration_syntax() names every unit parse_duration() takes, and only those", "[probe][duration]")
{
    const std::string syntax = portent::probe::duration_syntax();
    CHECK(syntax == "a number and a unit: us, ms, s, m or h (a bare number is seconds)");
    for (const char* unit : {"us", "ms", "s", "m", "h", ""})
        CHECK(parse_duration(std::string("3") + unit).has_value());
    for (const char* unit : {"ns", "min", "d", "sec", "hr", "µs"})
        CHECK_FALSE(parse_duration(std::string("3") + unit).has_value());
}
