#include "services/lint.hpp"
#include "services/table.hpp"
#include "table_of.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace portent::services;

namespace {

// The lines lint reports, each once for each diagnostic.
std::vector<std::uint32_t> reported_lines(const Table& table)
{
    std::vector<std::uint32_t> lines;
    for (const Diagnostic& diagnostic : lint(table))
        lines.push_back(diagnostic.line);
    return lines;
}

std::string messages(const Table& table)
{
    std::string text;
    for (const Diagnostic& diagnostic : lint(table))
        text += std::to_string(diagnostic.line) + ": " + diagnostic.message + "\n";
    return text;
}

using Lines = std::vector<std::uint32_t>;

} // namespace

TEST_CASE("lint: what glibc reads otherwise than it looks", "[lint]")
{
    const Table table = table_of("plain 1/tcp alias # a comment\n" // 1
                                 "a 84//tcp\n"                     // 2
                                 "b 85///udp\n"                    // 3
                                 "c 86/tcp/\n"                     // 4
                                 "d 87/tcp/x\n"                    // 5
                                 "e 88/TCP\n"                      // 6
                                 "f 89/tcp al#not-an-alias\n"      // 7
                                 "g 90/tcp# a comment glued on\n"  // 8
                                 "h\v91/tcp\n"                     // 9
                                 "i 92/tcp\fj\n"                   // 10
                                 "k\r93/tcp\n"                     // 11
                                 "crlf 94/tcp # windows\r\n");     // 12
    CHECK(reported_lines(table) == Lines{2, 3, 4, 5, 6, 7, 9, 10, 11});
    const std::string text = messages(table);
    CHECK_THAT(text, Catch::Contains("2: several slashes in '84//tcp': glibc skips them all and reads the "
                                     "protocol 'tcp'"));
    CHECK_THAT(text, Catch::Contains("4: protocol 'tcp/' holds a '/': glibc reads it whole, and 86/tcp does "
                                     "not find it"));
    CHECK_THAT(text, Catch::Contains("6: protocol 'TCP' has capital letters"));
    CHECK_THAT(text, Catch::Contains("7: '#' inside 'al#not-an-alias' starts a comment: glibc reads 'al'"));
    CHECK_THAT(text, Catch::Contains("9: a vertical tab between fields: glibc reads it as a space"));
    CHECK_THAT(text, Catch::Contains("11: a carriage return between fields"));
}

TEST_CASE("lint: control characters in any field or comment", "[lint]")
{
    const Table table = table_of("ctl\x01 1/tcp\n"              // 1: name
                                 "a 2/tcp \x1b[31mred\x1b[0m\n" // 2: alias
                                 "b 3/tc\x7fp\n"                // 3: protocol
                                 "c 4/tcp # \x1b]0;title\x07\n" // 4: comment
                                 "# \x1b[2J a comment line\n"   // 5: a line without entry
                                 "d 5/tcp c1-\xc2\x9b\n"        // 6: C1 in UTF-8
                                 "e 6/tcp \xe2\x80\xae"
                                 "evil\n"                                 // 7: right-to-left override
                                 "tab\t7/tcp\tcaf\xc3\xa9 \xe2\x82\xac\n" // 8: tabs, é, € are fine
                                 "latin\xe9 8/tcp\n");                    // 9: not UTF-8, but no control
    CHECK(reported_lines(table) == Lines{1, 2, 3, 4, 5, 6, 7});
    const std::string text = messages(table);
    CHECK_THAT(text, Catch::Contains("1: control character U+0001 in name 'ctl\x01'"));
    CHECK_THAT(text, Catch::Contains("2: control character U+001B in alias '\x1b[31mred\x1b[0m'"));
    CHECK_THAT(text, Catch::Contains("3: control character U+007F in port/protocol '3/tc\x7fp'"));
    CHECK_THAT(text, Catch::Contains("4: control character U+001B in the comment"));
    CHECK_THAT(text, Catch::Contains("6: control character U+009B in alias"));
    CHECK_THAT(text, Catch::Contains("7: control character U+202E in alias"));
}

TEST_CASE("lint: IANA descriptions may span lines; their fields are checked", "[lint]")
{
    const std::string header = "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                               "Registration Date,Modification Date,Reference,Service Code,"
                               "Unauthorized Use Reported,Assignment Notes\n";
    const Table table = table_of(header + "a,1,tcp,\"two\nlines\",,,,,,,,\n"
                                          "b\x1b,2,tcp,,,,,,,,,\n"
                                          "c,3,tcp,\"bell\x07\",,,,,,,,\n",
                                 Format::iana_csv);
    CHECK(reported_lines(table) == Lines{4, 5});
}

TEST_CASE("lint: duplicates in one pass, the first of each name/protocol wins", "[lint]")
{
    const Table table = table_of("x 1/udp\nx 2/tcp\nx 3/udp\nhttp 80/tcp http www www\ny 4/tcp x\n");
    const auto found = lint(table);
    REQUIRE(found.size() == 2);
    CHECK(found[0].line == 3);
    CHECK(found[0].message == "duplicate 'x/udp': line 1 defines it first");
    CHECK(found[1].line == 5);
    CHECK(found[1].message == "duplicate 'x/tcp': line 2 defines it first");
}
