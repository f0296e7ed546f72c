// The block scans that answer lookups without --first, searches and lookups in an IANA CSV,
// each compared with the whole table (load_database()), the oracle.
#include "scan_oracle.hpp"
#include "services/merge.hpp"
#include "services/prefix_scan.hpp"
#include "services/query.hpp"
#include "services/search_scan.hpp"
#include "services/services_line.hpp"
#include "services/source.hpp"
#include "util/ascii.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

using namespace portent::services;

namespace {

const std::filesystem::path test_data = std::filesystem::path(PORTENT_SOURCE_DIR) / "tests/shell/data";
const std::string iana_header = "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                                "Registration Date,Modification Date,Reference,Service Code,Unauthorized "
                                "Use Reported,Assignment Notes\n";

// Entries as a user sees them, in the order given, with the ports a services(5) line of a port
// query would give.
std::string describe_all(const Table& table, const std::vector<std::uint32_t>& found,
                         const Query* query = nullptr)
{
    std::string text;
    for (std::uint32_t index : found)
        text += describe(table, index) + "\n";
    if (query != nullptr && query->kind != Query::Kind::name)
        for (const auto& [index, ports] :
             first_source_ports(table, found, {query->port_first, query->port_last}))
            text += describe(table, index) + " ports " + std::to_string(ports.first) + "-" +
                    std::to_string(ports.last) + "\n";
    return text;
}

// Every key of the whole table (each `stride`th), and a few ranges.
std::vector<std::string> lookup_keys(const Table& whole, std::size_t stride)
{
    std::vector<std::string> keys;
    const std::vector<std::string> all = keys_of(whole);
    for (std::size_t index = 0; index < all.size(); index += stride)
        keys.push_back(all[index]);
    keys.insert(keys.end(), {"6000-6063", "6010", "6010/udp", "6063/tcp", "1-100/tcp"});
    return keys;
}

// load_all_matches() must answer each key (each `stride`th) as the whole table does, every
// match and (as services(5) lines show them) the entries a line can hold; load_first_matches()
// its first match, and its first that a services(5) line can hold. Either may decline only a key
// without a match, or a range.
void check_lookups_agree(const std::vector<std::string>& specs, std::optional<Format> format,
                         const std::vector<std::size_t>& block_sizes, std::size_t stride = 1)
{
    const Table whole = load_database(specs, format);
    const bool csv = std::ranges::any_of(
        whole.sources(), [](const Source& source) { return source.format == Format::iana_csv; });
    for (const std::string& key : lookup_keys(whole, stride)) {
        const std::vector<Query> queries = {parse_query(key)};
        const Query& query = queries[0];
        const std::string every = describe_all(whole, query.find_in(whole), &query);
        const std::string lines = describe_all(whole, query.find_in(whole, fits_services_line), &query);
        const std::string first = describe(whole, query.first_in(whole));
        const std::string first_line = describe(whole, query.first_in(whole, fits_services_line));
        for (std::size_t block_size : block_sizes) {
            INFO("key " << key << ", block size " << block_size);
            const std::optional<Table> all = load_all_matches(specs, format, queries, nullptr, block_size);
            const std::optional<Table> early =
                load_first_matches(specs, format, queries, nullptr, block_size);
            const std::optional<Table> early_line =
                load_first_matches(specs, format, queries, nullptr, block_size, fits_services_line);
            // A quote is written twice in a CSV field: the scans do not look for one there.
            const bool may_decline = every.empty() || query.kind == Query::Kind::range ||
                                     (csv && key.find('"') != std::string::npos);
            CHECK((all || may_decline));
            CHECK((early || may_decline));
            if (all) {
                CHECK(describe_all(*all, query.find_in(*all), &query) == every);
                CHECK(describe_all(*all, query.find_in(*all, fits_services_line), &query) == lines);
            }
            if (early)
                CHECK(describe(*early, query.first_in(*early)) == first);
            // The first match that a services(5) line can hold may come after one it cannot.
            CHECK((early_line || may_decline || first_line == "(none)"));
            if (early_line)
                CHECK(describe(*early_line, query.first_in(*early_line, fits_services_line)) == first_line);
        }
    }
}

// load_search_matches() must find what the whole table's search() finds, for every word of the
// table (each `stride`th entry's), some in upper case, some pairs, with and without -p tcp.
void check_searches_agree(const std::string& path, std::optional<Format> format, std::size_t stride = 1)
{
    const std::vector<std::string> specs = {path};
    const Table whole = load_database(specs, format);
    std::set<std::string> texts = {"tcp", "#", "zzz-none", "Service", "\"", "a b", "HTTP www"};
    for (std::size_t index = 0; index < whole.entries().size(); index += stride) {
        const Entry& entry = whole.entry(static_cast<std::uint32_t>(index));
        for (std::string_view word : portent::util::split_words(entry.comment())) {
            texts.insert(std::string(word));
            texts.insert(std::string(entry.name()) + " " + std::string(word));
        }
        texts.insert(std::string(entry.name()));
        texts.insert(portent::util::lowered(entry.name()).substr(0, 3));
        for (std::string_view alias : entry.aliases())
            texts.insert(std::string(alias));
    }
    for (const std::string& text : texts) {
        for (const ProtocolFilter protocol : {ProtocolFilter(), ProtocolFilter("tcp")}) {
            INFO("search '" << text << "', protocol " << protocol.value_or("(any)"));
            const std::string expected = describe_all(whole, whole.search(text, protocol));
            const std::optional<Table> scanned =
                load_search_matches(specs, format, text, protocol, nullptr, 100);
            CHECK((scanned || expected.empty() || text.find('"') != std::string::npos));
            if (scanned)
                CHECK(describe_all(*scanned, scanned->search(text, protocol)) == expected);
        }
    }
}

// A registry in the IANA's CSV form, with what its records may hold: quoted fields with commas,
// newlines and doubled quotes, ranges, rows without a port, CRLF, a quote inside a plain field,
// text after a closing quote, a second header, a quoted port, a name with white space around
// it, a quoted name, and names in another record's description.
std::string synthetic_registry()
{
    return iana_header + ",0,tcp,Reserved,[Jon_Postel],[Jon_Postel],,,,,,\n"
                         ",270,tcp,Reserved,,,,,,,,\n"
                         "gist,270,udp,Q-mode encapsulation for GIST messages,,,,,[RFC5971],,,\n"
                         "http,80,tcp,World Wide Web HTTP,,,,,,,,\n"
                         "http,80,udp,World Wide Web HTTP,,,,,,,,\n"
                         "www,80,tcp,\"World Wide Web, again\",,,,,,,,\n"
                         "x11,6000-6063,tcp,X Window System,,,,,,,Known Unauthorized Use on port 6003,\n"
                         "x11,6000-6063,udp,\"X Window\nSystem, over\nthree lines\",,,,,,,,\n"
                         "\"quoted,name\",7000,tcp,\"He said \"\"hello\"\"\nand left\",,,,,,,,\n"
                         "plain\"quote,7001,tcp,a \"plain\" quote,,,,,,,,\n"
                         "after,\"7002\"x,tcp,text after a closing quote,,,,,,,,\n"
                         "crlf,7003,udp,carriage return,,,,,,,,\r\n"
                         "Service Name,Port Number,Transport Protocol,a second header,,,,,,,,\n"
                         "noport,,tcp,no port at all,,,,,,,,\n"
                         "wide,1-65535,sctp,every port,,,,,,,,\n"
                         "bad,70000,tcp,port over 65535,,,,,,,,\n"
                         "short,7004\n"
                         "x11-ssh,6010,tcp,\"X11 \"\"over\"\" SSH\",,,,,,,,\n"
                         " spaced\t,7006,tcp,a name with white space around it,,,,,,,,\n"
                         "\"http\",81,tcp,a quoted name,,,,,,,,\n"
                         "other,7007,tcp,names http and www and x11 and spaced,,,,,,,,\n"
                         "last,7005,tcp,\"no newline at the end\",,,,,,,,";
}

} // namespace

TEST_CASE("all matches agree with the whole table: the test files", "[scan][all]")
{
    for (const auto& file : std::filesystem::directory_iterator(test_data)) {
        if (file.path().extension() != ".services")
            continue;
        INFO(file.path());
        check_lookups_agree({file.path().string()}, std::nullopt, {7, std::size_t{1} << 16U});
    }
    check_lookups_agree({"embedded"}, std::nullopt, {100, std::size_t{1} << 16U});
}

TEST_CASE("all matches agree with the whole table: merged sources, the first listed winning", "[scan][all]")
{
    const TemporaryFile first("svc 1/tcp\nonly-first 2/tcp\nshared 3/udp alias\nsvc 5/udp\n");
    const TemporaryFile second("svc 10/tcp\nonly-second 20/tcp\nshared 30/tcp alias\n1/tcp 1/tcp\n"
                               "svc 5/udp other\nalias 3/udp\n");
    const TemporaryFile csv(synthetic_registry());
    const TemporaryFile empty("");
    const std::vector<std::size_t> block_sizes = {7, std::size_t{1} << 16U};
    check_lookups_agree({first.path(), second.path()}, std::nullopt, block_sizes);
    check_lookups_agree({second.path(), empty.path(), "embedded", first.path()}, std::nullopt, block_sizes);
    check_lookups_agree(
        {(test_data / "contract.services").string(), (test_data / "merge-second.services").string()},
        std::nullopt, block_sizes);
    check_lookups_agree({csv.path(), first.path(), (test_data / "contract.services").string()}, std::nullopt,
                        block_sizes);
}

TEST_CASE("lookups in an IANA CSV agree with the whole table: records over several lines, ranges",
          "[scan][csv]")
{
    const TemporaryFile csv(synthetic_registry());
    check_lookups_agree({csv.path()}, std::nullopt, {1, 7, 100, std::size_t{1} << 16U});
    check_lookups_agree({csv.path()}, Format::iana_csv, {100});
    // A quoted field that never ends takes the rest of the file.
    const TemporaryFile open_quote(iana_header + "a,1,tcp,\"never closed,,,\nb,2,tcp,,,,,,,,,\n");
    check_lookups_agree({open_quote.path()}, std::nullopt, {1, 5, 100});
    // The scan keeps a multi-line record whole, with the line it starts on.
    const std::vector<std::string> specs = {csv.path()};
    const std::optional<Table> table =
        load_all_matches(specs, std::nullopt, std::vector{parse_query("quoted,name")});
    REQUIRE(table);
    REQUIRE(table->entries().size() == 1);
    CHECK(table->entry(0).line() == 12); // after the header, 8 one-line records and one of 3 lines
    CHECK(table->entry(0).comment() == "He said \"hello\"\nand left");
}

// Where a port may be written in octal or hexadecimal (010, 0x50), a port's decimal digits need
// not be on its line: every line is a candidate, searched with an empty needle, which memmem()
// must never be given as a null pointer (the sanitizer build reports it).
TEST_CASE("port lookups where ports may be written in octal scan every line", "[scan][first]")
{
    const TemporaryFile file("eight 010/tcp\nhex 0x50/tcp\nnine 9/tcp # after 010\n");
    check_lookups_agree({file.path()}, std::nullopt, {1, 7, 100, std::size_t{1} << 16U});
    const std::vector<std::string> specs = {file.path()};
    const std::optional<Table> first = load_first_matches(specs, std::nullopt, std::vector{parse_query("8")});
    REQUIRE(first);
    CHECK(describe(*first, parse_query("8").first_in(*first)).find(" eight 8-8/tcp") != std::string::npos);
}

TEST_CASE("lookups in the IANA registry agree with the whole table", "[scan][csv]")
{
    const char* path = PORTENT_IANA_CSV;
    if (!std::filesystem::exists(path)) {
        std::printf("SKIP: %s is not there (a data file outside the repository; see PORTENT_IANA_CSV)\n",
                    path);
        std::fflush(stdout);
        std::_Exit(77);
    }
    check_lookups_agree({path}, std::nullopt, {std::size_t{1} << 16U}, 211);
    check_searches_agree(path, std::nullopt, 509);
    // Completion's prefixes: the names, and each name's entries.
    const std::vector<std::string> specs = {path};
    const Table whole = load_database(specs, std::nullopt);
    for (const std::string prefix : {"x1", "ht", "s", "kerberos", "zzz"}) {
        INFO("prefix " << prefix);
        const std::optional<Table> scanned = load_prefix_matches(specs, std::nullopt, prefix);
        REQUIRE(scanned);
        CHECK(scanned->names_with_prefix(prefix) == whole.names_with_prefix(prefix));
        for (std::string_view name : whole.names_with_prefix(prefix))
            CHECK(describe_all(*scanned, scanned->find_by_name(name)) ==
                  describe_all(whole, whole.find_by_name(name)));
    }
}

TEST_CASE("search scans agree with the whole table", "[scan][search]")
{
    for (const auto& file : std::filesystem::directory_iterator(test_data)) {
        if (file.path().extension() != ".services")
            continue;
        INFO(file.path());
        check_searches_agree(file.path().string(), std::nullopt);
    }
    const TemporaryFile csv(synthetic_registry());
    check_searches_agree(csv.path(), std::nullopt);
    const std::string nmap = "/usr/share/nmap/nmap-services";
    if (!std::filesystem::exists(nmap))
        FAIL(nmap << " is missing: scripts/setup.sh installs nmap");
    check_searches_agree(nmap, std::nullopt, 997);
    check_lookups_agree({nmap}, std::nullopt, {std::size_t{1} << 16U}, 401);
}

TEST_CASE("scans decline what they cannot answer", "[scan]")
{
    const TemporaryFile file("svc 1/tcp\nother 6001/tcp # svc\n");
    const TemporaryFile csv(synthetic_registry());
    const std::vector<std::string> one = {file.path()};
    const std::vector<std::string> two = {file.path(), file.path()};
    const std::vector<std::string> registry = {csv.path()};
    const std::vector<std::string> pipe = {"/dev/null"};
    CHECK_FALSE(load_all_matches(one, std::nullopt, std::vector{parse_query("6000-6063")}));
    CHECK_FALSE(load_all_matches(one, std::nullopt, std::vector{parse_query("svc"), parse_query("nope")}));
    CHECK_FALSE(load_all_matches(pipe, std::nullopt, std::vector{parse_query("svc")}));
    CHECK_FALSE(load_all_matches(registry, std::nullopt, std::vector{parse_query("quoted\"name")}));
    CHECK(load_all_matches(one, std::nullopt, std::vector{parse_query("svc")}));
    CHECK(load_first_matches(registry, std::nullopt, std::vector{parse_query("x11")}));
    CHECK(load_search_matches(one, std::nullopt, "svc", std::nullopt));
    CHECK_FALSE(load_search_matches(two, std::nullopt, "svc", std::nullopt));
    CHECK_FALSE(load_search_matches(one, std::nullopt, " ", std::nullopt));
    CHECK_FALSE(load_search_matches(one, std::nullopt, "nope", std::nullopt));
    CHECK_FALSE(load_search_matches(one, std::nullopt, "svc", "udp"));
    CHECK_FALSE(load_search_matches(pipe, std::nullopt, "svc", std::nullopt));
    CHECK_FALSE(load_search_matches(registry, std::nullopt, "\"hello", std::nullopt));
    CHECK_FALSE(prefix_matches(read_sources(registry, std::nullopt), "quoted\""));
    CHECK(load_prefix_matches(registry, std::nullopt, "x1"));
}
