#include "local/proc_net.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <string>

using namespace portent::local;

namespace {

// The kernel prints each 32-bit word of an address as the number it is in memory: on a
// little-endian machine 127.0.0.1 is 0100007F.
constexpr bool little = std::endian::native == std::endian::little;
const std::string loopback4 = little ? "0100007F" : "7F000001";
const std::string loopback6 = std::string(24, '0') + (little ? "01000000" : "00000001");
const std::string mapped6 = std::string(16, '0') + (little ? "FFFF0000" : "0000FFFF") + loopback4;
const std::string any4 = "00000000";
const std::string any6(32, '0');

// A line as /proc/net/tcp writes it ("%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu
// …").
std::string tcp_line(const std::string& local, const std::string& remote, const std::string& state,
                     const std::string& uid = "1000", const std::string& inode = "4242")
{
    return "   0: " + local + " " + remote + " " + state + " 00000000:00000000 00:00000000 00000000  " + uid +
           "        0 " + inode + " 1 0000000000000000 100 0 0 10 0";
}

const char* const tcp_header =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

} // namespace

TEST_CASE("a listening IPv4 line of /proc/net/tcp", "[local][proc_net]")
{
    const auto socket =
        proc_net::parse_line(tcp_line(loopback4 + ":1F90", any4 + ":0000", "0A"), Protocol::tcp);
    REQUIRE(socket);
    CHECK(socket->protocol == Protocol::tcp);
    CHECK_FALSE(socket->ipv6);
    CHECK(address_text(*socket, socket->local) == "127.0.0.1");
    CHECK(socket->local.port == 8080);
    CHECK(address_text(*socket, socket->remote) == "0.0.0.0");
    CHECK(socket->state == state::listen);
    CHECK(socket->uid == 1000);
    CHECK(socket->inode == 4242);
    CHECK_FALSE(socket->v6only);          // /proc/net does not tell
    CHECK_FALSE(socket->interface_index); // nor the bound device
}

TEST_CASE("IPv6 lines: four words an address", "[local][proc_net]")
{
    auto socket = proc_net::parse_line(tcp_line(loopback6 + ":0016", any6 + ":0000", "0A"), Protocol::tcp);
    REQUIRE(socket);
    CHECK(socket->ipv6);
    CHECK(address_text(*socket, socket->local) == "::1");
    CHECK(socket->local.port == 22);

    socket = proc_net::parse_line(tcp_line(mapped6 + ":0050", mapped6 + ":D431", "01"), Protocol::tcp);
    REQUIRE(socket);
    CHECK(address_text(*socket, socket->local) == "::ffff:127.0.0.1");
    CHECK(socket->remote.port == 54321);
    CHECK(socket->state == state::established);
}

TEST_CASE("a bound UDP line of /proc/net/udp", "[local][proc_net]")
{
    // "%5d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %pK %u"
    const std::string line = "  123: " + any4 + ":0035 " + any4 +
                             ":0000 07 00000000:00000000 00:00000000 00000000     0        0 "
                             "17 2 0000000000000000 0";
    const auto socket = proc_net::parse_line(line, Protocol::udp);
    REQUIRE(socket);
    CHECK(socket->protocol == Protocol::udp);
    CHECK(socket->local.port == 53);
    CHECK(socket->state == state::close);
    CHECK(state_name(Protocol::udp, socket->state) == "unconnected");
    CHECK(socket->uid == 0);
    CHECK(socket->inode == 17);
}

TEST_CASE("the header and lines that are not sockets read as nothing", "[local][proc_net]")
{
    CHECK_FALSE(proc_net::parse_line(tcp_header, Protocol::tcp));
    CHECK_FALSE(proc_net::parse_line("", Protocol::tcp));
    CHECK_FALSE(proc_net::parse_line("   0:", Protocol::tcp));
    const std::string remote = any4 + ":0000";
    CHECK_FALSE(proc_net::parse_line(tcp_line("0100007:1F90", remote, "0A"), Protocol::tcp));  // 7 digits
    CHECK_FALSE(proc_net::parse_line(tcp_line("0100007G:1F90", remote, "0A"), Protocol::tcp)); // not hex
    CHECK_FALSE(
        proc_net::parse_line(tcp_line(loopback4 + ":1F9", remote, "0A"), Protocol::tcp)); // short port
    CHECK_FALSE(proc_net::parse_line(tcp_line(loopback4 + ":1F90", any6 + ":0000", "0A"), Protocol::tcp));
    CHECK_FALSE(proc_net::parse_line(tcp_line(loopback4 + ":1F90", remote, "A"), Protocol::tcp));
    CHECK_FALSE(proc_net::parse_line(tcp_line(loopback4 + ":1F90", remote, "0A", "-1"), Protocol::tcp));
    CHECK_FALSE(proc_net::parse_line(tcp_line(loopback4 + ":1F90", remote, "0A", "0", "x"), Protocol::tcp));
    // Cut before the inode.
    CHECK_FALSE(proc_net::parse_line("   0: " + loopback4 + ":1F90 " + remote +
                                         " 0A 00000000:00000000 00:00000000 "
                                         "00000000  1000",
                                     Protocol::tcp));
}

TEST_CASE("a whole table keeps the states asked for", "[local][proc_net]")
{
    const std::string text =
        std::string(tcp_header) + "\n" + tcp_line(loopback4 + ":1F90", any4 + ":0000", "0A", "0", "1") +
        "\n" + tcp_line(loopback4 + ":1F90", loopback4 + ":D431", "01", "0", "2") + "\n" +
        tcp_line(loopback4 + ":1F90", loopback4 + ":D432", "06", "0", "0") + "\n" +
        tcp_line(loopback4 + ":D431", loopback4 + ":1F90", "01", "0", "3"); // no final newline
    std::vector<Socket> sockets;
    proc_net::parse_table(text, Protocol::tcp, listening_states(Protocol::tcp), sockets);
    REQUIRE(sockets.size() == 1);
    CHECK(sockets[0].inode == 1);

    sockets.clear();
    proc_net::parse_table(text, Protocol::tcp,
                          listening_states(Protocol::tcp) | connected_states(Protocol::tcp), sockets);
    REQUIRE(sockets.size() == 3); // not the time-wait line
    CHECK(sockets[1].inode == 2);
    CHECK(sockets[2].inode == 3);
    CHECK(sockets[2].remote.port == 8080);
}

TEST_CASE("the files of each protocol and family", "[local][proc_net]")
{
    CHECK(proc_net::table_path(Protocol::tcp, false) == "/proc/net/tcp");
    CHECK(proc_net::table_path(Protocol::udp, true) == "/proc/net/udp6");
    CHECK(proc_net::table_path(Protocol::tcp, true, "/tmp/p") == "/tmp/p/net/tcp6");
}
