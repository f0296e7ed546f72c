#include "services/query.hpp"
#include "services/source.hpp"
#include "services/table.hpp"
#include "table_of.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

using namespace portent::services;

namespace {

std::vector<std::uint32_t> lines_of(const Table& table, const std::vector<std::uint32_t>& indices)
{
    std::vector<std::uint32_t> lines;
    for (std::uint32_t index : indices)
        lines.push_back(table.entry(index).line());
    return lines;
}

using Lines = std::vector<std::uint32_t>;

const char* const sample = "daytime 13/tcp\n"           // 1
                           "daytime 13/udp\n"           // 2
                           "http 80/tcp www www-http\n" // 3
                           "www 8080/tcp\n"             // 4
                           "http 80/udp\n"              // 5
                           "http 81/tcp\n"              // 6: shadowed for http/tcp
                           "odd 80/sctp http\n";        // 7

} // namespace

TEST_CASE("lookup by name or alias, in file order, case-sensitive", "[table]")
{
    const Table table = table_of(sample);
    CHECK(lines_of(table, table.find_by_name("daytime")) == Lines{1, 2});
    CHECK(lines_of(table, table.find_by_name("http")) == Lines{3, 5, 6, 7});
    CHECK(lines_of(table, table.find_by_name("http", "tcp")) == Lines{3, 6});
    CHECK(lines_of(table, table.find_by_name("www")) == Lines{3, 4});
    CHECK(table.find_by_name("HTTP").empty());
    CHECK(table.find_by_name("").empty());
    CHECK(table.find_by_name("http", "").empty());
}

TEST_CASE("lookup by port, with and without protocol", "[table]")
{
    const Table table = table_of(sample);
    CHECK(lines_of(table, table.find_by_port(80)) == Lines{3, 5, 7});
    CHECK(lines_of(table, table.find_by_port(80, "udp")) == Lines{5});
    CHECK(table.find_by_port(79).empty());
    CHECK(lines_of(table, table.find_in_range(13, 80, "tcp")) == Lines{1, 3});
    CHECK(lines_of(table, table.find_in_range(0, 65535)).size() == 7);
}

TEST_CASE("a port inside an IANA range finds the range", "[table]")
{
    const Table table = table_of(",6000,tcp,first,,,,,,,,\n"
                                 "x11,6000-6063,tcp,X Window System,,,,,,,,\n"
                                 "x11,6000-6063,udp,X Window System,,,,,,,,\n"
                                 "inner,6010,tcp,inside,,,,,,,,\n"
                                 "wide,1-65535,dccp,everything,,,,,,,,\n"
                                 "late,6063-6070,tcp,,,,,,,,,\n",
                                 Format::iana_csv);
    CHECK(lines_of(table, table.find_by_port(6010)) == Lines{2, 3, 4, 5});
    CHECK(lines_of(table, table.find_by_port(6063, "tcp")) == Lines{2, 6});
    CHECK(lines_of(table, table.find_by_port(6064)) == Lines{5, 6});
    CHECK(lines_of(table, table.find_by_port(0)).empty());
    CHECK(lines_of(table, table.find_in_range(6062, 6065, "tcp")) == Lines{2, 6});
    CHECK(lines_of(table, table.find_in_range(5000, 5999)) == Lines{5});
}

TEST_CASE("the query grammar resolves against the table", "[table][query]")
{
    const Table table = table_of(sample);
    CHECK(lines_of(table, parse_query("http/udp").find_in(table)) == Lines{5});
    CHECK(lines_of(table, parse_query("80/tcp").find_in(table)) == Lines{3});
    CHECK(lines_of(table, parse_query("13-80/udp").find_in(table)) == Lines{2, 5});
}

TEST_CASE("name prefixes for completion are sorted and distinct", "[table]")
{
    const Table table = table_of(sample);
    const auto names = table.names_with_prefix("w");
    CHECK(std::vector<std::string>(names.begin(), names.end()) ==
          std::vector<std::string>{"www", "www-http"});
    CHECK(table.names_with_prefix("zz").empty());
    CHECK(table.names_with_prefix("").size() == 5);
}

TEST_CASE("text search ignores case and looks at names, aliases and comments", "[table]")
{
    const Table table = table_of("http 80/tcp www # WorldWideWeb HTTP\nssh 22/tcp # Secure Shell\n");
    CHECK(lines_of(table, table.search("worldwide")) == Lines{1});
    CHECK(lines_of(table, table.search("WWW")) == Lines{1});
    CHECK(lines_of(table, table.search("shell")) == Lines{2});
    CHECK(table.search("nothing-like-it").empty());
}

TEST_CASE("text search finds entries that hold every word, in any order and any field", "[table]")
{
    const Table table = table_of("ssh 22/tcp # SSH Remote Login Protocol\n"
                                 "login 513/tcp # BSD rlogind\n"
                                 "shell 514/tcp cmd # no passwords used\n");
    CHECK(lines_of(table, table.search("remote login")) == Lines{1});
    CHECK(lines_of(table, table.search("  LOGIN\tremote ")) == Lines{1});
    CHECK(lines_of(table, table.search("ssh protocol")) == Lines{1});
    CHECK(lines_of(table, table.search("login")) == Lines{1, 2});
    CHECK(lines_of(table, table.search("cmd passwords")) == Lines{3});
    CHECK(table.search("remote shell").empty());
    CHECK(table.search("").empty());
    CHECK(table.search(" \t ").empty());
}

TEST_CASE("merged sources: the first listed wins", "[table][source]")
{
    std::vector<Table::Part> parts;
    parts.push_back({"a", Format::services, "svc 1/tcp\n", nullptr});
    parts.push_back(Table::Part::holding("b", Format::services, "svc 2/tcp\nother 3/tcp\n"));
    const Table table(std::move(parts));
    const auto found = table.find_by_name("svc", "tcp");
    REQUIRE(found.size() == 2);
    CHECK(table.entry(found[0]).port_first() == 1);
    CHECK(table.sources()[table.entry(found[1]).source()].name == "b");
}

TEST_CASE("the embedded database has the everyday services", "[source]")
{
    const std::string spec[] = {"embedded"};
    const Table table = load_database(spec, std::nullopt);
    CHECK(table.diagnostics().empty());
    for (auto [name, port] : {std::pair{"daytime", 13},
                              {"http", 80},
                              {"https", 443},
                              {"ssh", 22},
                              {"mysql", 3306},
                              {"postgresql", 5432},
                              {"redis", 6379},
                              {"http-alt", 8080},
                              {"mongodb", 27017}}) {
        const auto found = table.find_by_name(name, "tcp");
        REQUIRE(!found.empty());
        CHECK(table.entry(found.front()).port_first() == port);
    }
}

TEST_CASE("unreadable sources are one clear error", "[source]")
{
    CHECK_THROWS_WITH(read_file("/nonexistent/services"),
                      "cannot read /nonexistent/services: No such file or directory");
    CHECK_THROWS_WITH(read_file("/"), "cannot read /: Is a directory");
    CHECK(read_file("/dev/null").empty());
}

TEST_CASE("first matches are what getservbyname(3) and getservbyport(3) return", "[table]")
{
    const Table table = table_of(sample);
    CHECK(table.entry(*table.first_by_name("http")).line() == 3);
    CHECK(table.entry(*table.first_by_name("http", "udp")).line() == 5);
    CHECK(table.entry(*table.first_by_name("www", "tcp")).line() == 3);
    CHECK_FALSE(table.first_by_name("http", "dccp"));
    CHECK(table.entry(*table.first_by_port(80, "sctp")).line() == 7);
    CHECK(table.entry(*table.first_by_port(13)).line() == 1);
    CHECK_FALSE(table.first_by_port(9));
}

TEST_CASE("a range key is a name first, as getent reads it", "[table][query]")
{
    const Table table = table_of("x 6001/tcp\n6000-6063 46/tcp\n");
    CHECK(lines_of(table, parse_query("6000-6063").find_in(table)) == Lines{2});
    CHECK(table.entry(*parse_query("6000-6063").first_in(table)).line() == 2);
    CHECK(lines_of(table, parse_query("6000-6002").find_in(table)) == Lines{1});
}

TEST_CASE("files out of port order are indexed by port all the same", "[table]")
{
    const Table table = table_of("c 300/tcp\na 1/tcp\nb 300/udp\nd 2/tcp\ne 1/udp\nf 65535/tcp\ng 256/tcp\n");
    CHECK(lines_of(table, table.find_by_port(300)) == Lines{1, 3});
    CHECK(lines_of(table, table.find_by_port(1)) == Lines{2, 5});
    CHECK(lines_of(table, table.find_in_range(2, 300)) == Lines{1, 3, 4, 7});
    CHECK(lines_of(table, table.find_by_port(65535)) == Lines{6});
}

TEST_CASE("port classes of RFC 6335 at their edges", "[table]")
{
    CHECK(port_class(0) == PortClass::system);
    CHECK(port_class(1023) == PortClass::system);
    CHECK(port_class(1024) == PortClass::user);
    CHECK(port_class(49151) == PortClass::user);
    CHECK(port_class(49152) == PortClass::dynamic);
    CHECK(port_class(65535) == PortClass::dynamic);
    CHECK(to_string(PortClass::system) == "system");
    CHECK(to_string(PortClass::user) == "user");
    CHECK(to_string(PortClass::dynamic) == "dynamic");
}

TEST_CASE("a table made empty, then given another by moving", "[table]")
{
    Table table;
    CHECK(table.entries().empty());
    CHECK(table.sources().empty());
    table = table_of("daytime 13/tcp\ndaytime 13/udp\n");
    CHECK(table.entries().size() == 2);
    CHECK(table.entry(*table.first_by_name("daytime", "udp")).line() == 2);
}

TEST_CASE("a table of more entries than ports answers as a small one", "[table]")
{
    // Line n: "s<n> <n mod 65536>/tcp a<n mod 100>", out of port order after line 65535.
    std::ostringstream text;
    for (std::uint32_t n = 1; n <= 140000; ++n)
        text << 's' << n << ' ' << n % 65536 << "/tcp a" << n % 100 << '\n';
    const Table table = table_of(text.str());
    REQUIRE(table.entries().size() == 140000);
    CHECK(lines_of(table, table.find_by_port(5)) == Lines{5, 65541, 131077});
    CHECK(lines_of(table, table.find_by_port(0)) == Lines{65536, 131072});
    CHECK(lines_of(table, table.find_in_range(65534, 65535)) == Lines{65534, 65535, 131070, 131071});
    CHECK(lines_of(table, table.find_by_port(5, "udp")).empty());
    CHECK(table.entry(*table.first_by_port(5)).line() == 5);
    CHECK(lines_of(table, table.find_by_name("s131077")) == Lines{131077});
    const auto sevens = lines_of(table, table.find_by_name("a7"));
    REQUIRE(sevens.size() == 1400);
    CHECK(sevens.front() == 7);
    CHECK(sevens.back() == 139907);
    CHECK(table.find_by_name("s140001").empty());
}

TEST_CASE("more ranges than segment-tree nodes: each port finds the ranges that hold it", "[table]")
{
    // Row n (line n): "r<n>,<lo>-<lo + 5>,tcp" with lo = n mod 60000.
    std::ostringstream text;
    for (std::uint32_t n = 1; n <= 140000; ++n)
        text << 'r' << n << ',' << n % 60000 << '-' << n % 60000 + 5 << ",tcp,,,,,,,,,\n";
    const Table table = table_of(text.str(), Format::iana_csv);
    REQUIRE(table.entries().size() == 140000);
    // Port 10 is in the rows whose lo is 5 to 10.
    CHECK(lines_of(table, table.find_by_port(10)) == Lines{5, 6, 7, 8, 9, 10, 60005, 60006, 60007, 60008,
                                                           60009, 60010, 120005, 120006, 120007, 120008,
                                                           120009, 120010});
    CHECK(table.entry(*table.first_by_port(10)).line() == 5);
    CHECK(table.find_by_port(65535).empty());
}

TEST_CASE("IANA fields with doubled quotes, beside plain ones", "[table]")
{
    const Table table = table_of("\"a \"\"b\"\"\",7,tcp,\"x \"\"y\"\"\",,,,,,,,\n"
                                 "plain,8,\"u\"\"dp\",comment,,,,,,,,\n"
                                 "\"quoted\",9,tcp,\"no escapes\",,,,,,,,\n",
                                 Format::iana_csv);
    REQUIRE(table.entries().size() == 3);
    CHECK(table.entry(0).name() == "a \"b\"");
    CHECK(table.entry(0).protocol() == "tcp");
    CHECK(table.entry(0).comment() == "x \"y\"");
    CHECK(table.entry(1).name() == "plain");
    CHECK(table.entry(1).protocol() == "u\"dp");
    CHECK(table.entry(1).comment() == "comment");
    CHECK(table.entry(2).name() == "quoted");
    CHECK(table.entry(2).comment() == "no escapes");
    CHECK(lines_of(table, table.find_by_name("a \"b\"")) == Lines{1});
    CHECK(lines_of(table, table.find_by_port(8, "u\"dp")) == Lines{2});
}

TEST_CASE("an entry holds aliases or a frequency, and its fields where they are", "[table][entry]")
{
    const std::string line = "name 1/tcp one two # a comment";
    const std::string_view text = line;
    Entry entry;
    entry.set_text(text.substr(0, 4), text.substr(7, 3), text.substr(10, 9), text.substr(21));
    CHECK(entry.name() == "name");
    CHECK(entry.name().data() == line.data());
    CHECK(entry.protocol() == "tcp");
    CHECK(entry.comment() == "a comment");
    CHECK(std::vector<std::string_view>(entry.aliases().begin(), entry.aliases().end()) ==
          std::vector<std::string_view>{"one", "two"});
    CHECK_FALSE(entry.frequency());
    entry.set_frequency(0.000076);
    CHECK(entry.frequency() == 0.000076);
    CHECK(entry.aliases().empty());
    CHECK(entry.name() == "name");
    entry.set_aliases(text.substr(10, 4));
    CHECK_FALSE(entry.frequency());
    CHECK(entry.aliases().size() == 1);
    CHECK_FALSE(entry.has_port());
    entry.set_ports(6000, 6063);
    CHECK(entry.is_range());
    entry.set_source(Entry::max_sources - 1);
    entry.set_line(0xFFFFFFFF);
    CHECK(entry.source() == Entry::max_sources - 1);
    CHECK(entry.line() == 0xFFFFFFFF);
    CHECK(entry.has_port());
    CHECK(entry.frequency() == std::nullopt);
}

TEST_CASE("a name repeated on its own line finds the line once", "[table]")
{
    const Table table = table_of("dup 1/tcp dup x x dup\nx 2/tcp\nother 3/udp x y x\n");
    CHECK(lines_of(table, table.find_by_name("dup")) == Lines{1});
    CHECK(lines_of(table, table.find_by_name("x")) == Lines{1, 2, 3});
    CHECK(lines_of(table, table.find_by_name("y")) == Lines{3});
}
