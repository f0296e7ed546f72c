#include "cli/output.hpp"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

using namespace portent::cli;

TEST_CASE("tables align columns, leave out empty ones and end lines without padding", "[output]")
{
    std::ostringstream out;
    write_table(out, {"NAME", "EMPTY", "PORT", "NOTE"},
                {{"daytime", "", "13", ""}, {"x", "", "65535", "last"}, {"\x1b[2J", "", "1", ""}});
    CHECK(out.str() == "NAME     PORT   NOTE\n"
                       "daytime  13\n"
                       "x        65535  last\n"
                       "\\e[2J    1\n");
}

TEST_CASE("a table writes what below() returns under each row", "[output]")
{
    const std::vector<Row> rows{{"a", "1"}, {"bb", "2"}};
    std::ostringstream out;
    write_table(
        out, {"NAME", "PORT"}, rows.size(), [&](std::size_t index) { return rows[index]; }, 0,
        [](std::size_t index) {
            return index == 0 ? std::string("  | first\n  | second\n") : std::string();
        });
    CHECK(out.str() == "NAME  PORT\n"
                       "a     1\n"
                       "  | first\n"
                       "  | second\n"
                       "bb    2\n");
}

TEST_CASE("a JSON array written element by element is one line", "[output]")
{
    std::ostringstream out;
    JsonArrayWriter array(out);
    array.add(boost::json::value(1));
    array.add(boost::json::object{{"a", "b"}});
    array.finish();
    CHECK(out.str() == "[1,{\"a\":\"b\"}]\n");
    std::ostringstream empty;
    JsonArrayWriter none(empty);
    none.finish();
    CHECK(empty.str() == "[]\n");
}

TEST_CASE("JSON numbers are written in plain decimal", "[output]")
{
    CHECK(to_json_text(boost::json::value(0.05)) == "0.05");
    CHECK(to_json_text(boost::json::value(0.484143)) == "0.484143");
    CHECK(to_json_text(boost::json::value(0.000076)) == "0.000076");
    CHECK(to_json_text(boost::json::value(1.0)) == "1");
    CHECK(to_json_text(boost::json::value(12.5)) == "12.5");
    CHECK(to_json_text(boost::json::array{1, -2, 3.25, nullptr, "a\"b"}) == "[1,-2,3.25,null,\"a\\\"b\"]");
    CHECK(to_json_text(boost::json::object{{"x", 1e-3}}) == "{\"x\":0.001}");
    CHECK(to_json_text(boost::json::value(std::nan(""))) == "null");
}

TEST_CASE("JSON strings are escaped as Boost.JSON's serializer escapes them", "[output]")
{
    // Every byte alone and amid others: the reference is boost::json::serialize().
    for (int byte = 0; byte < 256; ++byte) {
        const std::string alone(1, static_cast<char>(byte));
        const std::string amid = "a" + alone + "bc" + alone;
        for (const std::string& text : {alone, amid}) {
            std::string written;
            append_json_string(written, text);
            CHECK(written == boost::json::serialize(boost::json::string_view(text)));
        }
    }
    std::string written;
    append_json_string(written, "tab\there \"quoted\" back\\slash \x1b[2J \u65e5");
    CHECK(written == "\"tab\\there \\\"quoted\\\" back\\\\slash \\u001b[2J \u65e5\"");
}

TEST_CASE("a JSON object written member by member is what to_json_text() writes", "[output]")
{
    std::string text;
    JsonObjectText object(text);
    object.text("host", "127.0.0.1");
    object.null("address");
    object.number("port", std::uint64_t{65535});
    object.number("rtt_ms", 0.05);
    object.number("nan", std::nan(""));
    object.text_or_null("empty", "");
    object.text_or_null("invalid", "a\xff");
    object.value("tls", boost::json::object{{"version", "TLSv1.3"}, {"days", 12}});
    object.finish();
    const boost::json::object same{{"host", "127.0.0.1"},  {"address", nullptr},
                                   {"port", 65535},        {"rtt_ms", 0.05},
                                   {"nan", std::nan("")},  {"empty", nullptr},
                                   {"invalid", "a\uFFFD"}, {"tls", {{"version", "TLSv1.3"}, {"days", 12}}}};
    CHECK(text == to_json_text(same));
    CHECK(text == "{\"host\":\"127.0.0.1\",\"address\":null,\"port\":65535,\"rtt_ms\":0.05,\"nan\":null,"
                  "\"empty\":null,\"invalid\":\"a\uFFFD\",\"tls\":{\"version\":\"TLSv1.3\",\"days\":12}}");
}

TEST_CASE("tables align wide characters and give way at the terminal's width", "[output]")
{
    std::ostringstream aligned;
    write_table(aligned, {"NAME", "PORT"}, {{"\u65e5\u672c", "1"}, {"abc", "2"}, {"\U0001f600", "3"}});
    CHECK(aligned.str() == "NAME  PORT\n"
                           "\u65e5\u672c  1\n"
                           "abc   2\n"
                           "\U0001f600    3\n");
    std::ostringstream narrow;
    write_table(narrow, {"NAME", "NOTE"}, {{"a", "a long note"}, {"b", "short"}}, 12);
    CHECK(narrow.str() == "NAME  NOTE\n"
                          "a     a lon\u2026\n"
                          "b     short\n");
    std::ostringstream uncut;
    write_table(uncut, {"NAME", "NOTE"}, {{"a", "a long note"}}, 0);
    CHECK(uncut.str() == "NAME  NOTE\na     a long note\n");
}
