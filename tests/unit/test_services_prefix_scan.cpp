#include "services/prefix_scan.hpp"
#include "services/source.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace portent::services;

namespace {

// What the table says of every name with the prefix: the names, and each name's entries as a
// user sees them, with their sources and lines.
std::string answer(const Table& table, std::string_view prefix)
{
    std::ostringstream out;
    for (std::string_view name : table.names_with_prefix(prefix)) {
        out << name << ':';
        for (std::uint32_t index : table.find_by_name(name)) {
            const Entry& entry = table.entry(index);
            out << ' ' << table.sources()[entry.source()].name << ':' << entry.line() << ' ' << entry.name()
                << ' ' << format_ports(entry) << '/' << entry.protocol() << " [";
            for (std::string_view alias : entry.aliases())
                out << alias << ',';
            out << "] #" << entry.comment() << " f=" << entry.frequency().value_or(-1);
        }
        out << '\n';
    }
    return out.str();
}

// Every prefix of every name and alias (each `stride`th name's when the table is large), and
// prefixes that only comments, ports or nothing hold.
std::set<std::string> prefixes_of(const Table& table, std::size_t stride)
{
    std::set<std::string> prefixes = {"#", "1", "/", "tcp", "zzz-none", "Daytime", "\t"};
    std::size_t count = 0;
    for (const Entry& entry : table.entries()) {
        std::vector<std::string_view> names = {entry.name()};
        names.insert(names.end(), entry.aliases().begin(), entry.aliases().end());
        for (std::string_view name : names)
            for (std::size_t length = 1; length <= name.size(); ++length)
                if (length <= 2 || count % stride == 0)
                    prefixes.insert(std::string(name.substr(0, length)));
        ++count;
    }
    return prefixes;
}

// Both scans, prefix_matches() on the read texts for every prefix and load_prefix_matches() at
// each block size for every `load_stride`th, answer as the whole table does.
void check_agrees(const std::vector<std::string>& specs, std::optional<Format> format, std::size_t stride = 1,
                  std::size_t load_stride = 1)
{
    const Table whole = load_database(specs, format);
    const std::vector<Table::Part> parts = read_sources(specs, format);
    const std::set<std::string> prefixes = prefixes_of(whole, stride);
    REQUIRE(prefixes.size() > 7);
    const bool csv = std::ranges::any_of(
        whole.sources(), [](const Source& source) { return source.format == Format::iana_csv; });
    std::size_t count = 0;
    for (const std::string& prefix : prefixes) {
        INFO("prefix '" << prefix << "'");
        const std::string expected = answer(whole, prefix);
        const std::optional<Table> scanned = prefix_matches(parts, prefix);
        // A quote is written twice in a CSV field: the scan does not look for one there.
        if (!scanned && csv && prefix.find('"') != std::string::npos) {
            CHECK_FALSE(load_prefix_matches(specs, format, prefix));
            continue;
        }
        REQUIRE(scanned);
        CHECK(answer(*scanned, prefix) == expected);
        if (count++ % load_stride != 0)
            continue;
        for (std::size_t block_size : {std::size_t{7}, std::size_t{100}, std::size_t{1} << 16U}) {
            INFO("block size " << block_size);
            const std::optional<Table> loaded =
                load_prefix_matches(specs, format, prefix, nullptr, block_size);
            REQUIRE(loaded);
            CHECK(answer(*loaded, prefix) == expected);
        }
    }
}

const std::filesystem::path test_data = std::filesystem::path(PORTENT_SOURCE_DIR) / "tests/shell/data";

} // namespace

TEST_CASE("prefix scan agrees with the whole table: the test files", "[prefix_scan]")
{
    for (const auto& file : std::filesystem::directory_iterator(test_data)) {
        if (file.path().extension() != ".services")
            continue;
        INFO(file.path());
        check_agrees({file.path().string()}, std::nullopt);
        check_agrees({file.path().string()}, Format::nmap);
    }
    check_agrees(
        {(test_data / "contract.services").string(), "embedded", (test_data / "crlf.services").string()},
        std::nullopt);
}

TEST_CASE("prefix scan agrees with the whole table: embedded and system databases", "[prefix_scan]")
{
    check_agrees({"embedded"}, std::nullopt);
    if (std::filesystem::exists(system_path))
        check_agrees({"system"}, std::nullopt);
}

TEST_CASE("prefix scan agrees with the whole table: nmap-services", "[prefix_scan]")
{
    const std::string path = "/usr/share/nmap/nmap-services";
    if (!std::filesystem::exists(path))
        FAIL(path << " is missing: scripts/setup.sh installs nmap");
    check_agrees({path}, std::nullopt, 50, 40);
    check_agrees({path}, Format::services, 200, 200); // as glibc reads it: the frequency is an alias
}

TEST_CASE("prefix scan agrees with the whole table: IANA CSVs, records over several lines", "[prefix_scan]")
{
    const TemporaryDirectory directory;
    const std::string path = (directory.path() / "registry.csv").string();
    std::ofstream(path) << "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                           "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use "
                           "Reported,Assignment Notes\n"
                           "x11,6000-6063,tcp,\"X\nWindow\nht\",,,,,,,,\n"
                           "\"ht,tp\",80,tcp,,,,,,,,,\n"
                           "http,80,udp,\"a \"\"quoted\"\" ht\",,,,,,,,\r\n"
                           "ht\"x,81,tcp,,,,,,,,,\n"
                           "  htab ,82,tcp,,,,,,,,,\n"
                           "hq,83, ht,ht,,,,,,,,\n"
                           "\tht\r,84,tcp,,,,,,,,,\n"
                           "hz,,,\"ht\"\"\n";
    check_agrees({path}, std::nullopt);
}

TEST_CASE("prefix scan declines what it cannot answer", "[prefix_scan]")
{
    const std::vector<Table::Part> services = {{"a", std::nullopt, "svc 1/tcp\n", nullptr}};
    CHECK_FALSE(prefix_matches(services, ""));
    REQUIRE(prefix_matches(services, "sv"));
    CHECK(prefix_matches(services, "sv")->entries().size() == 1);
    const std::vector<Table::Part> csv = {
        services[0],
        {"b", std::nullopt,
         "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,"
         "Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment "
         "Notes\nsvc,1,tcp,,,,,,,,,\n",
         nullptr}};
    REQUIRE(prefix_matches(csv, "sv")); // a CSV is read a record at a time
    CHECK(prefix_matches(csv, "sv")->entries().size() == 2);
    CHECK_FALSE(prefix_matches(csv, "sv\""));
    const std::vector<std::string> pipe = {"/dev/null"};
    CHECK_FALSE(load_prefix_matches(pipe, std::nullopt, "sv"));
    const std::vector<std::string> embedded = {"embedded"};
    CHECK_FALSE(load_prefix_matches(embedded, std::nullopt, ""));
    const std::vector<std::string> missing = {"embedded", "/nonexistent/services"};
    CHECK_THROWS_AS(load_prefix_matches(missing, std::nullopt, "sv"), SourceError);
}

TEST_CASE("prefix scan: a --db-format the file plainly is not in is an error, as for the whole load",
          "[prefix_scan]")
{
    const TemporaryDirectory directory;
    const std::string path = (directory.path() / "registry.csv").string();
    std::ofstream(path) << "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                           "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use "
                           "Reported,Assignment Notes\nsvc,1,tcp,,,,,,,,,\n";
    const std::vector<std::string> specs = {path};
    CHECK_THROWS_WITH(load_database(specs, Format::services),
                      Catch::Contains("is not in the format services (--db-format)"));
    CHECK_THROWS_WITH(load_prefix_matches(specs, Format::services, "sv"),
                      Catch::Contains("is not in the format services (--db-format)"));
}
