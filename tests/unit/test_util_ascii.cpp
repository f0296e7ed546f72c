#include "util/ascii.hpp"

#include <catch2/catch.hpp>

using namespace portent::util;

TEST_CASE("ASCII digits and hexadecimal digits, and nothing beyond ASCII", "[util][ascii]")
{
    for (const char c : std::string_view("0123456789")) {
        CHECK(is_digit(c));
        CHECK(is_hex_digit(c));
    }
    for (const char c : std::string_view("abcdefABCDEF")) {
        CHECK_FALSE(is_digit(c));
        CHECK(is_hex_digit(c));
    }
    for (const char c : std::string_view("/:@`gG xX\xd9\xa0")) { // U+0660 ARABIC-INDIC DIGIT ZERO too
        CHECK_FALSE(is_digit(c));
        CHECK_FALSE(is_hex_digit(c));
    }
}

TEST_CASE("is_alphanumeric() is isalnum() of the C locale", "[util][ascii]")
{
    for (int byte = 0; byte < 256; ++byte) {
        const auto c = static_cast<char>(byte);
        const bool letter_or_digit =
            (byte >= '0' && byte <= '9') || (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z');
        CHECK(is_alphanumeric(c) == letter_or_digit);
    }
}

TEST_CASE("is_space() is isspace() of the C locale; is_blank() only space and tab", "[util][ascii]")
{
    for (int byte = 0; byte < 256; ++byte) {
        const auto c = static_cast<char>(byte);
        const bool space = byte == ' ' || (byte >= '\t' && byte <= '\r');
        CHECK(is_space(c) == space);
        CHECK(is_blank(c) == (byte == ' ' || byte == '\t'));
    }
    CHECK(std::ranges::all_of(spaces, is_space));
}

TEST_CASE("to_lower() and lowered() fold ASCII letters only", "[util][ascii]")
{
    CHECK(to_lower('A') == 'a');
    CHECK(to_lower('Z') == 'z');
    CHECK(to_lower('a') == 'a');
    CHECK(to_lower('@') == '@');
    CHECK(to_lower('[') == '[');
    CHECK(lowered("TCP/Udp-42 \xc3\x89") == "tcp/udp-42 \xc3\x89"); // É is left as it is
}

TEST_CASE("trim() drops C-locale white space at both ends; trim_if() what it is told", "[util][ascii]")
{
    CHECK(trim("  \t\v\f\r\n word and word \n\r") == "word and word");
    CHECK(trim("   ").empty());
    CHECK(trim("").empty());
    CHECK(trim("x") == "x");
    CHECK(trim_if(" \t value \r", is_blank) == "value \r");
    CHECK(trim_if("--x--", [](char c) { return c == '-'; }) == "x");
}

TEST_CASE("Comparing and searching while ignoring ASCII case", "[util][ascii]")
{
    CHECK(equals_ignoring_case("Content-Length", "content-length"));
    CHECK(equals_ignoring_case("", ""));
    CHECK_FALSE(equals_ignoring_case("Content-Length", "content-lengths"));
    CHECK_FALSE(equals_ignoring_case("a[", "A{")); // '[' and '{' are 0x20 apart but no letters

    CHECK(contains_ignoring_case("SSH Remote Login Protocol", "remote login"));
    CHECK(contains_ignoring_case("X", "x"));
    CHECK(contains_ignoring_case("anything", ""));
    CHECK_FALSE(contains_ignoring_case("SSH", "sshd"));
    CHECK_FALSE(contains_ignoring_case("Remote", "REMOTE")); // the needle must be lower case
}

TEST_CASE("split_words() takes the words between runs of separators", "[util][ascii]")
{
    using Words = std::vector<std::string_view>;
    CHECK(split_words("  remote\tlogin \n") == Words{"remote", "login"});
    CHECK(split_words("generic, daytime,time", ", ") == Words{"generic", "daytime", "time"});
    CHECK(split_words("bash|zsh|fish", "|") == Words{"bash", "zsh", "fish"});
    CHECK(split_words("a||b|", "|") == Words{"a", "b"});
    CHECK(split_words(" \t ").empty());
    CHECK(split_words("").empty());
    CHECK(split_words("x") == Words{"x"});
}
