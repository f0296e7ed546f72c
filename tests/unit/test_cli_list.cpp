// `list --top N` from the scan that keeps only the most frequent entries, against the whole
// table, the oracle: the same entries in the same order, the same count left out.
#include "cli/command.hpp"
#include "scan_oracle.hpp"
#include "services/source.hpp"
#include "services/top_scan.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace portent;
using services::Table;

namespace {

// What list --top shows of `table`, as the command computes it, and how many it leaves out.
std::string listed(const Table& table, std::size_t count, services::ProtocolFilter protocol,
                   cli::OutputFormat format, std::size_t& left_out)
{
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t index = 0; index < table.entries().size(); ++index)
        if (!protocol || table.entry(index).protocol() == *protocol)
            candidates.push_back(index);
    std::string text;
    for (std::uint32_t index : cli::most_frequent(
             table, cli::listed_entries(table, std::move(candidates), format, left_out), count))
        text += services::describe(table, index) + "\n";
    return text;
}

void check_top_agrees(const std::string& path, const std::vector<std::size_t>& counts)
{
    const std::vector<std::string> specs = {path};
    const Table whole = services::load_database(specs, std::nullopt);
    for (std::size_t count : counts)
        for (services::ProtocolFilter protocol :
             {services::ProtocolFilter(), services::ProtocolFilter("tcp"), services::ProtocolFilter("sctp"),
              services::ProtocolFilter("no-such")})
            for (cli::OutputFormat format : {cli::OutputFormat::table, cli::OutputFormat::services}) {
                INFO(path << ": top " << count << ", protocol " << protocol.value_or("(any)") << ", format "
                          << cli::to_string(format));
                std::size_t left_out = 0;
                std::string expected;
                try {
                    expected = listed(whole, count, protocol, format, left_out);
                } catch (const std::runtime_error&) {
                    expected = "(no frequencies)";
                }
                const auto most = services::load_most_frequent(specs, std::nullopt, count, protocol,
                                                               cli::entry_filter(format), nullptr, 100);
                if (!most) {
                    // Declined only where the whole table has nothing to list, or says why not.
                    CHECK((expected.empty() || expected == "(no frequencies)"));
                    continue;
                }
                std::size_t partial_left_out = 0;
                CHECK(listed(most->table, count, protocol, format, partial_left_out) == expected);
                CHECK(partial_left_out == 0);
                CHECK(most->left_out == left_out);
            }
}

} // namespace

TEST_CASE("list --top from a scan agrees with the whole table", "[list][top]")
{
    // Equal frequencies (the earlier listed first), a line without one, protocols, a last line
    // without its newline.
    const services::TemporaryFile file("# nmap-services\n"
                                       "a\t1/tcp\t0.5\n"
                                       "b\t2/udp\t0.25\t# comment\n"
                                       "c\t3/tcp\t0.5\n"
                                       "d\t4/sctp\t0.75\n"
                                       "no frequency\t5/tcp\n"
                                       "e\t6/tcp\t0.000100\n"
                                       "f\t7/udp\t0.5\n"
                                       "g\t8/tcp\t0.9");
    check_top_agrees(file.path(), {1, 2, 3, 5, 100});
    const std::string nmap = "/usr/share/nmap/nmap-services";
    if (!std::filesystem::exists(nmap))
        FAIL(nmap << " is missing: scripts/setup.sh installs nmap");
    check_top_agrees(nmap, {1, 10, 1000, 100000});
    check_top_agrees(
        (std::filesystem::path(PORTENT_SOURCE_DIR) / "tests/shell/data/contract.services").string(), {10});
}

TEST_CASE("list --top of an IANA CSV, which has no frequencies, is declined", "[list][top]")
{
    const services::TemporaryFile csv(
        "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
        "Registration Date,Modification Date,Reference,Service Code,"
        "Unauthorized Use Reported,Assignment Notes\n"
        "ssh,22,tcp,\"The Secure\nShell\",,,,,,,,\n"
        "x11,6000-6063,tcp,X Window System,,,,,,,,\n");
    const std::vector<std::string> specs = {csv.path()};
    for (const std::size_t block_size : {std::size_t{7}, std::size_t{1} << 16U})
        CHECK_FALSE(services::load_most_frequent(specs, std::nullopt, 10, std::nullopt, nullptr, nullptr,
                                                 block_size));
}
