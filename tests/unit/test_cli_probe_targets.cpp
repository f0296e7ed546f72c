// probe --top N from the scan that keeps only the most frequent entries, against the whole
// table, the oracle: the same ports, protocols, services and dialogues, in the same order.
#include "cli/probe_targets.hpp"
#include "scan_oracle.hpp"
#include "services/source.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace portent;

namespace {

// The ports --top adds from `table`, one line each: "PORT/PROTO SERVICE DIALOGUE".
std::string top_ports(const services::Table& table, std::size_t count, probe::Transport transport)
{
    probe::PortList ports(table, "test", std::nullopt, false);
    try {
        ports.add_top(count, transport);
    } catch (const std::runtime_error& error) {
        return std::string("error: ") + error.what();
    }
    std::string text;
    for (const probe::PortTarget& port : ports.ports())
        text += std::to_string(port.port) + "/" + std::string(probe::to_string(port.transport)) + " " +
                port.service + " " + std::string(probe::to_string(port.dialogue)) + "\n";
    return text;
}

// For each count and protocol: the scan's answer, where it gives one, is the whole table's.
// Returns how many times the scan answered.
std::size_t check_top_ports_agree(const std::string& path, const std::vector<std::size_t>& counts)
{
    const std::vector<std::string> specs = {path};
    const services::Table whole = services::load_database(specs, std::nullopt);
    std::size_t answered = 0;
    for (const std::size_t count : counts)
        for (const probe::Transport transport : {probe::Transport::tcp, probe::Transport::udp})
            for (const std::size_t block_size : {std::size_t{100}, std::size_t{1} << 16U}) {
                INFO(path << " --top " << count << " " << probe::to_string(transport) << ", blocks of "
                          << block_size);
                const std::optional<services::Table> scanned =
                    cli::load_top_ports(specs, std::nullopt, count, transport, nullptr, block_size);
                if (!scanned)
                    continue;
                ++answered;
                CHECK(top_ports(*scanned, count, transport) == top_ports(whole, count, transport));
            }
    return answered;
}

} // namespace

TEST_CASE("probe --top from a scan agrees with the whole table", "[probe_targets][top]")
{
    // Equal frequencies (the earlier first), aliases that choose the dialogue, a port 0 and a
    // line without a frequency passed over, other protocols, a last line without its newline.
    const services::TemporaryFile file("# nmap-services\n"
                                       "a\t1/tcp\t0.5\n"
                                       "zero\t0/tcp\t0.99\n"
                                       "b\t2/udp\t0.25\t# comment\n"
                                       "c\t3/tcp\t0.5\n"
                                       "d\t4/sctp\t0.75\n"
                                       "no-frequency\t5/tcp\n"
                                       "www\t80/tcp\t0.000100\n"
                                       "domain\t53/udp\t0.5\n"
                                       "g\t8/tcp\t0.9");
    CHECK(check_top_ports_agree(file.path(), {1, 2, 3, 5, 100}) == 20);
    const std::string nmap = "/usr/share/nmap/nmap-services";
    if (std::filesystem::exists(nmap))
        CHECK(check_top_ports_agree(nmap, {1, 20, 100, 1000, 100000}) == 20);
}

TEST_CASE("probe --top: entries that share a port make the whole table tell", "[probe_targets][top]")
{
    // Two names for 7/tcp among the most frequent: --top 2 is 7 and 9, which the two most
    // frequent entries alone cannot give.
    const services::TemporaryFile file("echo\t7/tcp\t0.9\n"
                                       "echo-again\t7/tcp\t0.8\n"
                                       "discard\t9/tcp\t0.7\n");
    const std::vector<std::string> specs = {file.path()};
    CHECK_FALSE(cli::load_top_ports(specs, std::nullopt, 2, probe::Transport::tcp));
    CHECK(cli::load_top_ports(specs, std::nullopt, 1, probe::Transport::tcp));
    const services::Table whole = services::load_database(specs, std::nullopt);
    CHECK(top_ports(whole, 2, probe::Transport::tcp) == "7/tcp echo echo\n9/tcp discard generic\n");
    CHECK(check_top_ports_agree(file.path(), {1, 2, 3}) == 2); // --top 1, in blocks of each size
}
