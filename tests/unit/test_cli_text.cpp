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

TEST_CASE("visible() escapes format characters and separators by code point", "[text]")
{
    CHECK(visible("a\u202e"
                  "b") == "a\\u202eb");                   // right-to-left override
    CHECK(visible("\u2066x\u2069") == "\\u2066x\\u2069"); // isolates
    CHECK(visible("\u200b\u200d\ufeff") == "\\u200b\\u200d\\ufeff");
    CHECK(visible("line\u2028para\u2029") == "line\\u2028para\\u2029");
    CHECK(visible("\u00ad") == "\\u00ad");                        // soft hyphen
    CHECK(visible("\U000e0001") == "\\U000e0001");                // language tag
    CHECK(visible("\u00a0\u00e9\u65e5") == "\u00a0\u00e9\u65e5"); // printable: kept
}

TEST_CASE("display_width() counts terminal columns", "[text]")
{
    CHECK(display_width("") == 0);
    CHECK(display_width("\u65e5\u672c") == 4);       // 日本
    CHECK(display_width("\U0001f600") == 2);         // 😀
    CHECK(display_width("e\u0301") == 1);            // e and a combining acute accent
    CHECK(display_width("\uff46\uff55") == 4);       // fullwidth letters
    CHECK(display_width("\ud55c\uad6d") == 4);       // Hangul syllables
    CHECK(display_width("\u1100\u1161\u11a8") == 2); // a Hangul syllable in conjoining jamo
    CHECK(display_width("\u4dc0") == 1);             // a Yijing hexagram: not East Asian wide
}

TEST_CASE("fit_width() shortens text to a number of columns with an ellipsis", "[text]")
{
    CHECK(fit_width("abcdef", 6) == "abcdef");
    CHECK(fit_width("abcdef", 5) == "abcd\u2026");
    CHECK(fit_width("abcdef", 1) == "\u2026");
    CHECK(fit_width("abcdef", 0) == "");
    CHECK(fit_width("\u65e5\u672c\u8a9e", 4) == "\u65e5\u2026"); // a wide character never half shown
    CHECK(fit_width("\u65e5\u672c\u8a9e", 5) == "\u65e5\u672c\u2026");
    CHECK(display_width(fit_width("e\u0301e\u0301e\u0301e\u0301", 3)) == 3);
}

TEST_CASE("base64() writes RFC 4648's alphabet and padding", "[text]")
{
    // RFC 4648, section 10.
    CHECK(base64("").empty());
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foob") == "Zm9vYg==");
    CHECK(base64("fooba") == "Zm9vYmE=");
    CHECK(base64("foobar") == "Zm9vYmFy");
    CHECK(base64("\x00\xff\xfe"s) == "AP/+");
    CHECK(base64("\xfb\xff") == "+/8=");
}
