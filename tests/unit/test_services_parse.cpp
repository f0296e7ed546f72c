#include "services/parse.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace portent::services;
using namespace std::string_view_literals;

namespace {

std::vector<std::string> aliases_of(const Entry& entry)
{
    return {entry.aliases().begin(), entry.aliases().end()};
}

bool has_diagnostic(const ParseResult& result, std::uint32_t line, std::string_view words)
{
    for (const Diagnostic& diagnostic : result.diagnostics)
        if (diagnostic.line == line && diagnostic.message.find(words) != std::string::npos)
            return true;
    return false;
}

} // namespace

TEST_CASE("services(5): name, port, protocol, aliases and the trailing comment", "[parse][services]")
{
    const auto result = parse_services("http\t\t80/tcp\t\twww www-http   # WorldWideWeb HTTP\n");
    REQUIRE(result.entries.size() == 1);
    const Entry& http = result.entries[0];
    CHECK(http.name() == "http");
    CHECK(http.port_first() == 80);
    CHECK(http.port_last() == 80);
    CHECK(http.has_port());
    CHECK(http.protocol() == "tcp");
    CHECK(aliases_of(http) == std::vector<std::string>{"www", "www-http"});
    CHECK(http.comment() == "WorldWideWeb HTTP");
    CHECK(http.line() == 1);
    CHECK(result.diagnostics.empty());
}

TEST_CASE("services(5): a '#' anywhere ends the data, even inside a word", "[parse][services]")
{
    const auto result = parse_services("# heading\n  \nfoo 1/tcp bar#baz qux\nfoo#x 2/tcp\n");
    REQUIRE(result.entries.size() == 1);
    CHECK(result.entries[0].name() == "foo");
    CHECK(aliases_of(result.entries[0]) == std::vector<std::string>{"bar"});
    CHECK(result.entries[0].comment() == "baz qux");
    CHECK(result.entries[0].line() == 3);
    // "foo#x 2/tcp" is the name "foo" with no port: glibc skips it too.
    CHECK(has_diagnostic(result, 4, "missing port"));
}

TEST_CASE("services(5): leading white space, CR, VT and FF separate fields as isspace() does",
          "[parse][services]")
{
    const auto result = parse_services("   echo\v7/tcp\fping\r\nlast 9/udp");
    REQUIRE(result.entries.size() == 2);
    CHECK(result.entries[0].name() == "echo");
    CHECK(result.entries[0].protocol() == "tcp");
    CHECK(aliases_of(result.entries[0]) == std::vector<std::string>{"ping"});
    CHECK(result.entries[1].name() == "last");
    CHECK(result.entries[1].line() == 2);
}

TEST_CASE("services(5): bad lines become diagnostics and the rest still loads", "[parse][services]")
{
    const auto result = parse_services("nothing\n"
                                       "word abc/tcp\n"
                                       "big 65536/tcp\n"
                                       "bare 80\n"
                                       "spaced 80 /tcp\n"
                                       "suffix 80x/tcp\n"
                                       "empty 80/\n"
                                       "signed +80/tcp\n"
                                       "ok 65535/udp\n");
    REQUIRE(result.entries.size() == 1);
    CHECK(result.entries[0].name() == "ok");
    CHECK(result.entries[0].port_first() == 65535);
    CHECK(has_diagnostic(result, 1, "missing port/protocol"));
    CHECK(has_diagnostic(result, 2, "not a number"));
    CHECK(has_diagnostic(result, 3, "out of range"));
    CHECK(has_diagnostic(result, 4, "missing /protocol"));
    CHECK(has_diagnostic(result, 5, "space between port 80 and its /protocol"));
    CHECK(has_diagnostic(result, 6, "not a number"));
    CHECK(has_diagnostic(result, 7, "empty protocol"));
    CHECK(has_diagnostic(result, 8, "not a number"));
    CHECK(result.diagnostics.size() == 8);
}

TEST_CASE("services(5): a NUL byte ends the line, as in glibc's C strings", "[parse][services]")
{
    const auto text = "nul 5/tcp first\0second\nnext 6/tcp\n"sv;
    const auto result = parse_services(text);
    REQUIRE(result.entries.size() == 2);
    CHECK(aliases_of(result.entries[0]) == std::vector<std::string>{"first"});
    CHECK(has_diagnostic(result, 1, "NUL byte"));
}

TEST_CASE("services(5): huge ports and long lines do not overflow", "[parse][services]")
{
    std::string text = "x 99999999999999999999999999/tcp\n";
    text += "long 1/tcp " + std::string(1 << 20, 'a') + "\n";
    const auto result = parse_services(text);
    REQUIRE(result.entries.size() == 1);
    CHECK(result.entries[0].aliases().begin()->size() == 1U << 20U);
    CHECK(has_diagnostic(result, 1, "out of range"));
}

TEST_CASE("nmap-services: the open-frequency is a number on the entry, not an alias", "[parse][nmap]")
{
    const auto result = parse_nmap("# Nmap services\n"
                                   "zephyr-hm\t2104/tcp\t0.000076\n"
                                   "http\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
                                   "bad\t81/tcp\tlots\n");
    REQUIRE(result.entries.size() == 3);
    CHECK(result.entries[0].name() == "zephyr-hm");
    CHECK(result.entries[0].aliases().empty());
    REQUIRE(result.entries[0].frequency());
    CHECK(*result.entries[0].frequency() == Approx(0.000076));
    CHECK(result.entries[1].comment() == "World Wide Web HTTP");
    CHECK_FALSE(result.entries[2].frequency());
    CHECK(has_diagnostic(result, 4, "open-frequency"));
}

TEST_CASE("IANA CSV: quoting, newlines in fields, ranges, rows without port or protocol", "[parse][iana]")
{
    const auto text = "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                      "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use "
                      "Reported,Assignment Notes\r\n"
                      ",0,tcp,Reserved,,,,,,,,\r\n"
                      "x11,6000-6063,udp,X Window System,,,,,,,,\r\n"
                      "quoted,7,tcp,\"line one\nline \"\"two\"\", with comma\",,,,,,,,\r\n"
                      "noport,,,\"Service name only\",,,,,,,,\r\n"
                      "broken,70000,tcp,,,,,,,,,\r\n"
                      "after,8,udp,,,,,,,,,\r\n"sv;
    const auto result = parse_iana_csv(text);
    REQUIRE(result.entries.size() == 5);
    CHECK(result.entries[0].name().empty());
    CHECK(result.entries[0].port_first() == 0);
    CHECK(result.entries[0].has_port());
    CHECK(result.entries[1].is_range());
    CHECK(result.entries[1].port_first() == 6000);
    CHECK(result.entries[1].port_last() == 6063);
    CHECK(result.entries[1].line() == 3);
    CHECK(result.entries[2].comment() == "line one\nline \"two\", with comma");
    CHECK(result.entries[3].name() == "noport");
    CHECK_FALSE(result.entries[3].has_port());
    CHECK(result.entries[3].protocol().empty());
    CHECK(result.entries[3].line() == 6);
    CHECK(has_diagnostic(result, 7, "neither a port nor a range"));
    CHECK(result.entries[4].name() == "after");
    CHECK(result.entries[4].line() == 8);
}

TEST_CASE("IANA CSV: an unterminated quote is a diagnostic, not a crash", "[parse][iana]")
{
    const auto result = parse_iana_csv("a,1,tcp,\"never closed,,,\nmore\n");
    CHECK(has_diagnostic(result, 1, "unterminated"));
}

TEST_CASE("format detection", "[parse]")
{
    CHECK(detect_format("# comment\nhttp 80/tcp www\n") == Format::services);
    CHECK(detect_format("# Nmap\ntcpmux\t1/tcp\t0.001995\t# TCP Port Service Multiplexer\n") == Format::nmap);
    CHECK(detect_format("Service Name,Port Number,Transport Protocol,Description\n") == Format::iana_csv);
    CHECK(detect_format("") == Format::services);
    CHECK(format_from_string("iana-csv") == Format::iana_csv);
    CHECK_FALSE(format_from_string("csv"));
}

TEST_CASE("any bytes are safe to parse in every format", "[parse]")
{
    std::string noise;
    std::uint32_t state = 12345;
    for (int i = 0; i < 200000; ++i) {
        state = state * 1103515245U + 12345U;
        noise.push_back(static_cast<char>(state >> 24U));
    }
    for (Format format : {Format::services, Format::nmap, Format::iana_csv}) {
        const auto result = parse(noise, format);
        for (const Entry& entry : result.entries) {
            CHECK(entry.port_first() <= entry.port_last());
            for (std::string_view alias : entry.aliases())
                CHECK(!alias.empty());
        }
    }
}

TEST_CASE("services(5): ports are read as glibc's strtoul(…, 0) reads them", "[parse][services]")
{
    const auto result =
        parse_services("octal 010/tcp\nhex 0x50/tcp\neight 08/tcp\nzero 0/udp\nslashes 40//tcp\n");
    REQUIRE(result.entries.size() == 4);
    CHECK(result.entries[0].port_first() == 8);
    CHECK(result.entries[1].port_first() == 80);
    CHECK(result.entries[2].name() == "zero");
    CHECK(result.entries[2].port_first() == 0);
    CHECK(result.entries[3].protocol() == "tcp"); // glibc skips every '/'
    CHECK(has_diagnostic(result, 5, "several slashes in '40//tcp'"));
    CHECK(result.diagnostics.size() == 4);
    CHECK(has_diagnostic(result, 1, "octal"));
    CHECK(has_diagnostic(result, 2, "hexadecimal"));
    CHECK(has_diagnostic(result, 3, "not a number")); // '8' is no octal digit: glibc refuses it too
}

TEST_CASE("nmap-services: NaN and infinity are not frequencies", "[parse][nmap]")
{
    const auto result = parse_nmap("a\t1/tcp\tnan\nb\t2/tcp\tinf\nc\t3/tcp\t1.5\n");
    REQUIRE(result.entries.size() == 3);
    for (const Entry& entry : result.entries)
        CHECK_FALSE(entry.frequency());
    CHECK(result.diagnostics.size() == 3);
}

TEST_CASE("format detection: commas in a services(5) comment do not make a CSV row", "[parse]")
{
    CHECK(detect_format("foo 1/tcp # a,b,c,d,e,f,g,h,i,j,k,l\nbar 2/tcp\n") == Format::services);
}

TEST_CASE("a format named by the user that plainly does not fit is said", "[parse]")
{
    const std::string csv = "Service Name,Port Number,Transport Protocol,Description\n";
    CHECK(format_mismatch("# comment\nhttp 80/tcp www\n", Format::iana_csv) ==
          "its first record is not a CSV row of 12 fields but a line without commas");
    CHECK(format_mismatch("a,b,c\n", Format::iana_csv) ==
          "its first record is not a CSV row of 12 fields but one of 3 fields");
    CHECK(format_mismatch(csv, Format::services) ==
          "its first record is a row of the IANA CSV (read it with --db-format iana-csv)");
    CHECK_FALSE(format_mismatch(csv, Format::iana_csv));
    CHECK_FALSE(format_mismatch("http 80/tcp\n", Format::nmap)); // nmap-services without frequencies
    CHECK_FALSE(format_mismatch("http\t80/tcp\t0.5\n", Format::services)); // glibc's reading of it
    CHECK_FALSE(format_mismatch("", Format::iana_csv));
    CHECK_FALSE(format_mismatch("# only a comment\n", Format::iana_csv));
}
