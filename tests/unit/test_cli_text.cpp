#include "cli/text.hpp"

#include <catch2/catch.hpp>

using namespace portent::cli;
using namespace std::string_literals;

TEST_CASE("visible() makes control characters and bad bytes harmless", "[text]")
{
    CHECK(visible("plain text") == "plain text");
    CHECK(visible("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(visible("\x1b[2J") == "\\e[2J");
    CHECK(visible("a\nb\tc\r") == "a\\nb\\tc\\r");
    CHECK(visible("\x00\x07\x7f"s) == "\\x00\\x07\\x7f");
    CHECK(visible("\xc2\x9b") == "\\xc2\\x9b"); // C1 CSI
    CHECK(visible("\xff\xfe") == "\\xff\\xfe");
    CHECK(visible("\xe2\x82") == "\\xe2\\x82");          // truncated sequence
    CHECK(visible("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // surrogate
}

TEST_CASE("valid_utf8() replaces what is not UTF-8", "[text]")
{
    CHECK(valid_utf8("ok \xc3\xa9") == "ok \xc3\xa9");
    CHECK(valid_utf8("a\xff"
                     "b") == "a\xef\xbf\xbd"
                             "b");
    CHECK(valid_utf8("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd"); // overlong
}

TEST_CASE("display_width() counts code points", "[text]")
{
    CHECK(display_width("abc") == 3);
    CHECK(display_width("caf\xc3\xa9") == 4);
}
