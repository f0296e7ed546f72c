#include "util/number.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

using portent::util::to_number;

TEST_CASE("to_number() takes the whole text or nothing", "[util][number]")
{
    CHECK(to_number<std::uint32_t>("65535") == 65535U);
    CHECK(to_number<std::uint32_t>("0") == 0U);
    CHECK(to_number<int>("-12") == -12);
    CHECK(to_number<std::uint16_t>("0016", 16) == 0x16);
    CHECK(to_number<std::uint32_t>("0100007F", 16) == 0x0100007FU);

    CHECK_FALSE(to_number<std::uint32_t>(""));
    CHECK_FALSE(to_number<std::uint32_t>("80x"));
    CHECK_FALSE(to_number<std::uint32_t>(" 80"));
    CHECK_FALSE(to_number<std::uint32_t>("+80"));
    CHECK_FALSE(to_number<std::uint32_t>("-1"));
    CHECK_FALSE(to_number<std::uint16_t>("65536")); // does not fit
    CHECK_FALSE(to_number<std::uint32_t>("0x10", 16));
}
