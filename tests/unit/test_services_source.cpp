#include "scan_oracle.hpp"
#include "services/query.hpp"
#include "services/source.hpp"
#include "services/table.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace portent::services;

namespace {

using BlockSizes = std::vector<std::size_t>;
const BlockSizes every_block_size = {1, 7, 100, std::size_t{1} << 16U};

// load_first_matches() must give each query (every `stride`th key) the entry that the whole
// table gives it, at each block size; it may decline (nullopt) only when a query has no match.
void check_first_matches_agree(const std::vector<std::string>& specs, std::optional<Format> format,
                               const BlockSizes& block_sizes = every_block_size, std::size_t stride = 1)
{
    const Table whole = load_database(specs, format);
    const std::vector<std::string> keys = keys_of(whole);
    for (std::size_t block_size : block_sizes) {
        for (std::size_t key_index = 0; key_index < keys.size(); key_index += stride) {
            const std::string& key = keys[key_index];
            const std::vector<Query> queries = {parse_query(key)};
            const auto expected = queries[0].first_in(whole);
            const std::optional<Table> partial =
                load_first_matches(specs, format, queries, nullptr, block_size);
            INFO("key " << key << ", block size " << block_size);
            if (!partial) {
                CHECK(describe(whole, expected) == "(none)");
                continue;
            }
            CHECK(describe(*partial, queries[0].first_in(*partial)) == describe(whole, expected));
        }
    }
    // Several queries at once, each answered where the whole table answers it.
    std::vector<Query> queries;
    for (std::size_t index = 0; index < keys.size(); index += 3)
        if (parse_query(keys[index]).first_in(whole))
            queries.push_back(parse_query(keys[index]));
    const std::optional<Table> partial = load_first_matches(specs, format, queries, nullptr, 5);
    REQUIRE(partial);
    for (const Query& query : queries)
        CHECK(describe(*partial, query.first_in(*partial)) == describe(whole, query.first_in(whole)));
}

// Bytes this process has read with read(2) and the like so far (/proc/self/io).
std::uint64_t bytes_read()
{
    std::ifstream io("/proc/self/io");
    std::string field;
    std::uint64_t value = 0;
    while (io >> field >> value)
        if (field == "rchar:")
            return value;
    FAIL("no rchar in /proc/self/io");
    return 0;
}

} // namespace

TEST_CASE("first matches read early agree with the whole table: services(5)", "[source][first]")
{
    // Aliases, shadowed entries, bad lines, octal and hexadecimal ports, CRLF, NUL, a comment
    // holding a name, a line longer than every block, blank and comment lines.
    std::string text = "# services\n"
                       "\n"
                       "daytime 13/tcp\n"
                       "daytime 13/udp\n"
                       "http 80/tcp www www-http # WorldWideWeb HTTP\n"
                       "www 8080/tcp\r\n"
                       "broken 99999/tcp\n"
                       "noproto 12\n"
                       "spaced 80 /tcp\n"
                       "http 81/tcp\n"
                       "octal 010/tcp\n"
                       "hex 0x50/udp\n"
                       "nul 5/tcp\0hidden 6/tcp\n"
                       "# ghost 77/tcp\n"
                       "odd 80/sctp http\n";
    text.append("long 4000/tcp ");
    for (int alias = 0; alias < 100; ++alias)
        text.append("a-rather-long-alias-" + std::to_string(alias) + " ");
    text.append("\nslashes 40//tcp\n  indented\t41/udp\tdaytime\nlast 60000/udp");
    const TemporaryFile file(text);
    check_first_matches_agree({file.path()}, std::nullopt);
    check_first_matches_agree({file.path()}, Format::services);
}

TEST_CASE("first matches read early agree with the whole table: nmap-services", "[source][first]")
{
    // Longer than the 64 KiB that format detection reads first.
    std::string text = "# Nmap services\n";
    for (int port = 1; port < 3000; ++port)
        text.append("svc" + std::to_string(port % 700) + "\t" + std::to_string(port) +
                    (port % 2 ? "/tcp" : "/udp") + "\t0.00" + std::to_string(port % 97) + "\t# comment " +
                    std::to_string(port) + "\n");
    const TemporaryFile file(text);
    const BlockSizes block_sizes = {100, 4096, std::size_t{1} << 16U};
    check_first_matches_agree({file.path()}, std::nullopt, block_sizes, 13);
    // Read as glibc reads it: the frequency is an alias.
    check_first_matches_agree({file.path()}, Format::services, block_sizes, 13);
}

TEST_CASE("first matches read early agree with the whole table: merged sources", "[source][first]")
{
    const TemporaryFile first("svc 1/tcp\nonly-first 2/tcp\nshared 3/udp alias\n");
    const TemporaryFile second("svc 10/tcp\nonly-second 20/tcp\nshared 30/tcp alias\n1/tcp 1/tcp\n");
    check_first_matches_agree({first.path(), second.path()}, std::nullopt);
    check_first_matches_agree({second.path(), "embedded", first.path()}, std::nullopt);
}

namespace {

// The answer of a --first lookup as a user reads it: name, port/protocol and line (with the
// number of the source, from 1, when there are several), or "(none)".
std::string first_answer(const std::vector<std::string>& specs, const std::string& key,
                         std::size_t block_size)
{
    const std::vector<Query> queries = {parse_query(key)};
    const std::optional<Table> table = load_first_matches(specs, std::nullopt, queries, nullptr, block_size);
    const auto first = table ? queries[0].first_in(*table) : std::nullopt;
    if (!first)
        return "(none)";
    const Entry& entry = table->entry(*first);
    std::string where = " line " + std::to_string(entry.line());
    if (specs.size() > 1) {
        const auto source = std::ranges::find(specs, table->sources()[entry.source()].name);
        where = " source " + std::to_string(source - specs.begin() + 1) + where;
    }
    return std::string(entry.name()) + " " + std::to_string(entry.port_first()) + "/" +
           std::string(entry.protocol()) + where;
}

// Each key's expected answer, at every block size.
void check_first_answers(const std::vector<std::string>& specs,
                         const std::vector<std::pair<std::string, std::string>>& expected)
{
    for (const std::size_t block_size : every_block_size)
        for (const auto& [key, answer] : expected) {
            INFO("key " << key << ", block size " << block_size);
            CHECK(first_answer(specs, key, block_size) == answer);
        }
}

} // namespace

TEST_CASE("first matches: hand-written answers at the edges", "[source][first]")
{
    // getservbyname()'s answers, written by hand: names are matched exactly, in their case; an
    // alias answers as a name does; the first line that matches wins.
    const TemporaryFile file("WWW 8080/tcp\n"
                             "www 80/tcp\n"
                             "http 80/tcp www-http\n"
                             "http 81/udp\n"
                             "alias-first 90/udp web\n"
                             "web 91/tcp\n"
                             "shadow 5/tcp\n"
                             "shadow 6/tcp\n");
    const std::vector<std::string> specs = {file.path()};
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"www", "www 80/tcp line 2"},
        {"WWW", "WWW 8080/tcp line 1"},
        {"Www", "(none)"},
        {"www/tcp", "www 80/tcp line 2"},
        {"www/udp", "(none)"},
        {"www-http", "http 80/tcp line 3"},
        {"WWW-HTTP", "(none)"},
        {"http", "http 80/tcp line 3"},
        {"http/udp", "http 81/udp line 4"},
        {"web", "alias-first 90/udp line 5"},
        {"web/tcp", "web 91/tcp line 6"},
        {"80", "www 80/tcp line 2"},
        {"80/udp", "(none)"},
        {"8080", "WWW 8080/tcp line 1"},
        {"shadow", "shadow 5/tcp line 7"},
        {"6", "shadow 6/tcp line 8"},
        {"ww", "(none)"},
    };
    check_first_answers(specs, expected);

    // Several sources: each is read in turn, the first listed that has an answer gives it.
    const TemporaryFile first("svc 1/tcp\nshared 3/udp alias\n");
    const TemporaryFile second("svc 10/tcp\nshared 30/tcp alias\nother 1/tcp\n");
    check_first_answers({first.path(), second.path()}, {
                                                           {"svc", "svc 1/tcp source 1 line 1"},
                                                           {"svc/tcp", "svc 1/tcp source 1 line 1"},
                                                           {"shared", "shared 3/udp source 1 line 2"},
                                                           {"shared/tcp", "shared 30/tcp source 2 line 2"},
                                                           {"alias/tcp", "shared 30/tcp source 2 line 2"},
                                                           {"1", "svc 1/tcp source 1 line 1"},
                                                           {"10", "svc 10/tcp source 2 line 1"},
                                                           {"other", "other 1/tcp source 2 line 3"},
                                                           {"3/tcp", "(none)"},
                                                       });

    // The IANA CSV: a record over two lines, a port inside a range, a name in another case.
    const TemporaryFile csv("Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                            "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use "
                            "Reported,Assignment Notes\n"
                            "X11,6000,udp,,,,,,,,,\n"
                            "x11,6000-6063,tcp,\"X Window\nSystem\",,,,,,,,\n"
                            "after,7000,tcp,,,,,,,,,\n");
    check_first_answers({csv.path()}, {
                                          {"x11", "x11 6000/tcp line 3"},
                                          {"X11", "X11 6000/udp line 2"},
                                          {"6010", "x11 6000/tcp line 3"},
                                          {"6000", "X11 6000/udp line 2"},
                                          {"6063/udp", "(none)"},
                                          {"after", "after 7000/tcp line 5"},
                                      });
}

TEST_CASE("first matches: what needs the whole database is declined", "[source][first]")
{
    const TemporaryFile file("x 6001/tcp\nsvc 1/tcp\n");
    const std::vector<std::string> specs = {file.path()};
    CHECK_FALSE(load_first_matches(specs, std::nullopt, std::vector{parse_query("6000-6063")}));
    CHECK_FALSE(
        load_first_matches(specs, std::nullopt, std::vector{parse_query("svc"), parse_query("nope")}));
    const std::vector<std::string> device = {"/dev/null"};
    CHECK_FALSE(load_first_matches(device, std::nullopt, std::vector{parse_query("svc")}));
    const TemporaryFile csv("Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                            "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use "
                            "Reported,Assignment Notes\nsvc,1,tcp,,,,,,,,,\n");
    const std::vector<std::string> csv_specs = {csv.path()};
    CHECK_FALSE(load_first_matches(csv_specs, std::nullopt, std::vector{parse_query("nope")}));
    CHECK(load_first_matches(csv_specs, std::nullopt, std::vector{parse_query("svc")})); // records, not lines
    CHECK(load_first_matches(specs, std::nullopt, std::vector{parse_query("svc")}));
}

TEST_CASE("first matches: an unreadable source is an error even after the answer", "[source][first]")
{
    const TemporaryFile file("svc 1/tcp\n");
    const std::vector<std::string> specs = {file.path(), "/nonexistent/services"};
    CHECK_THROWS_WITH(load_first_matches(specs, std::nullopt, std::vector{parse_query("svc")}),
                      "cannot read /nonexistent/services: No such file or directory");
    const std::vector<std::string> directory = {file.path(), "/"};
    CHECK_THROWS_WITH(load_first_matches(directory, std::nullopt, std::vector{parse_query("svc")}),
                      "cannot read /: Is a directory");
}

TEST_CASE("first matches: a service near the top of a large file reads a few blocks", "[source][first]")
{
    std::string text = "first 1/tcp\n";
    for (int line = 0; line < 200000; ++line) // 4 MB
        text.append("filler" + std::to_string(line) + " 2/udp alias comment-text-to-make-the-line-longer\n");
    const TemporaryFile file(text);
    const std::vector<std::string> specs = {file.path()};
    constexpr std::size_t block_size = 4096;
    const std::uint64_t before = bytes_read();
    const std::optional<Table> table =
        load_first_matches(specs, std::nullopt, std::vector{parse_query("first")}, nullptr, block_size);
    const std::uint64_t read = bytes_read() - before; // and what reading /proc/self/io took
    REQUIRE(table);
    CHECK(table->entries().size() == 1);
    CHECK(read >= block_size);
    CHECK(read < 2 * block_size); // one block: the format and the answer are both in it

    CHECK(text.size() > (std::uint64_t{1} << 22U));
}

TEST_CASE("standard input as a source, read once", "[source]")
{
    const TemporaryFile file("daytime 13/tcp\nqotd 17/tcp quote\n");
    // Standard input is the file for this test, and given back after it.
    const int saved = ::dup(STDIN_FILENO);
    REQUIRE(saved >= 0);
    const int given = ::open(file.path().c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(given >= 0);
    REQUIRE(::dup2(given, STDIN_FILENO) == STDIN_FILENO);
    ::close(given);
    std::string twice;
    std::size_t entries = 0;
    std::string name;
    try {
        const std::vector<std::string> specs = {"-"};
        const Table table = load_database(specs, std::nullopt);
        entries = table.entries().size();
        name = table.sources()[0].name;
        const std::vector<std::string> both = {"-", "-"};
        (void)load_database(both, std::nullopt);
    } catch (const SourceError& error) {
        twice = error.what();
    }
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    CHECK(entries == 2);
    CHECK(name == "(standard input)");
    CHECK(twice == "standard input can be read only once: give '-' once");
}

TEST_CASE("a source without an end is refused at 256 MiB", "[source]")
{
    const std::vector<std::string> endless = {"/dev/zero"};
    CHECK_THROWS_WITH(load_database(endless, std::nullopt), "cannot read /dev/zero: larger than 256 MiB");
}
