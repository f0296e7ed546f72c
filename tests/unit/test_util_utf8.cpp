#include "util/utf8.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace portent::util::utf8;
using namespace std::string_literals;

namespace {

// Each code point as (value, length), a byte that is not UTF-8 as (its value, 0).
std::vector<std::pair<std::uint32_t, std::size_t>> code_points(std::string_view bytes)
{
    std::vector<std::pair<std::uint32_t, std::size_t>> found;
    for_each_code_point(bytes, [&](const CodePoint& code_point, std::string_view sequence) {
        CHECK(sequence.size() == (code_point.length == 0 ? 1 : code_point.length));
        found.emplace_back(code_point.length == 0 ? static_cast<std::uint8_t>(sequence[0]) : code_point.value,
                           code_point.length);
    });
    return found;
}

} // namespace

TEST_CASE("decode() reads one to four bytes of valid UTF-8", "[util][utf8]")
{
    CHECK(decode("A").value == 'A');
    CHECK(decode("A").length == 1);
    CHECK(decode("\0"s).length == 1);
    CHECK(decode("\xc3\xa9").value == 0xE9);
    CHECK(decode("\xc3\xa9").length == 2);
    CHECK(decode("\xe2\x80\xae").value == 0x202E);
    CHECK(decode("\xe2\x80\xae").length == 3);
    CHECK(decode("\xf0\x9f\x98\x80").value == 0x1F600);
    CHECK(decode("\xf0\x9f\x98\x80").length == 4);
    CHECK(decode("\xf4\x8f\xbf\xbf").value == 0x10FFFF);
}

TEST_CASE("decode() refuses what is not UTF-8", "[util][utf8]")
{
    CHECK(decode("\x80").length == 0);             // a continuation byte alone
    CHECK(decode("\xc0\xaf").length == 0);         // overlong, lead C0
    CHECK(decode("\xe0\x80\xaf").length == 0);     // overlong, three bytes
    CHECK(decode("\xf0\x80\x80\xaf").length == 0); // overlong, four bytes
    CHECK(decode("\xed\xa0\x80").length == 0);     // a surrogate
    CHECK(decode("\xf4\x90\x80\x80").length == 0); // above U+10FFFF
    CHECK(decode("\xf5\x80\x80\x80").length == 0); // no such lead byte
    CHECK(decode("\xe2\x80").length == 0);         // cut short
    CHECK(decode("\xe2\x80N").length == 0);        // a byte that does not continue it
}

TEST_CASE("for_each_code_point() walks code points, and bad bytes one by one", "[util][utf8]")
{
    using Found = std::vector<std::pair<std::uint32_t, std::size_t>>;
    CHECK(code_points("a\xc3\xa9z") == Found{{'a', 1}, {0xE9, 2}, {'z', 1}});
    CHECK(code_points("\xe2\x80N") == Found{{0xE2, 0}, {0x80, 0}, {'N', 1}});
    CHECK(code_points("").empty());
}
