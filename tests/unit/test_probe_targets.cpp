#include "probe/targets.hpp"

#include "services/parse.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace portent::probe;
using portent::services::Format;
using portent::services::Table;

namespace {

std::vector<std::string> hosts_of(std::initializer_list<std::string_view> items, bool allow_large = false)
{
    HostList hosts;
    for (std::string_view item : items)
        hosts.add(item, allow_large);
    std::vector<std::string> all;
    for (std::uint64_t i = 0; i < hosts.size(); ++i)
        all.push_back(hosts.host(i));
    return all;
}

std::uint64_t count_of(std::string_view item, bool allow_large = false)
{
    HostList hosts;
    hosts.add(item, allow_large);
    return hosts.size();
}

using Strings = std::vector<std::string>;

Table table_of(const char* text, Format format)
{
    std::vector<Table::Part> parts;
    parts.push_back(Table::Part::holding("test-db", format, text));
    return Table(std::move(parts));
}

const char* const nmap_text = "http\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
                              "telnet\t23/tcp\t0.221265\n"
                              "https\t443/tcp\t0.208669\t# secure http (SSL)\n"
                              "ftp\t21/tcp\t0.197667\n"
                              "ssh\t22/tcp\t0.182286\t# Secure Shell Login\n"
                              "domain\t53/udp\t0.213496\n"
                              "snmp\t161/udp\t0.433467\n"
                              "netbios-ns\t137/udp\t0.365163\n"
                              "daytime\t13/tcp\t0.003977\n"
                              "daytime\t13/udp\t0.004827\n";

} // namespace

TEST_CASE("host items: names and literals, one host each", "[probe][targets]")
{
    CHECK(hosts_of({"localhost"}) == Strings{"localhost"});
    CHECK(hosts_of({"127.0.0.1"}) == Strings{"127.0.0.1"});
    CHECK(hosts_of({"::1"}) == Strings{"::1"});
    CHECK(hosts_of({"[::1]"}) == Strings{"::1"});
    CHECK(hosts_of({"0:0::1"}) == Strings{"::1"}); // written as inet_ntop() writes it
    CHECK(hosts_of({"host_1.example-lab"}) == Strings{"host_1.example-lab"});
    CHECK(hosts_of({"127.1"}) == Strings{"127.1"}); // inet_aton()'s short form, kept as written
}

TEST_CASE("host items: IPv4 blocks leave out network and broadcast up to /30", "[probe][targets]")
{
    CHECK(hosts_of({"127.0.1.0/30"}) == Strings{"127.0.1.1", "127.0.1.2"});
    CHECK(hosts_of({"127.0.1.6/30"}) == Strings{"127.0.1.5", "127.0.1.6"}); // the block that holds it
    CHECK(hosts_of({"127.0.1.0/31"}) == Strings{"127.0.1.0", "127.0.1.1"});
    CHECK(hosts_of({"127.0.1.9/32"}) == Strings{"127.0.1.9"});
    CHECK(count_of("127.0.1.0/24") == 254);
    CHECK(hosts_of({"127.0.1.0/24"}).front() == "127.0.1.1");
    CHECK(hosts_of({"127.0.1.0/24"}).back() == "127.0.1.254");
    CHECK(count_of("127.0.0.0/16") == 65534);
    CHECK(count_of("127.0.0.0/8", true) == 16777214);
    CHECK(count_of("0.0.0.0/0", true) == 4294967294);
}

TEST_CASE("host items: IPv4 addresses of blocks and ranges in dotted decimal", "[probe][targets]")
{
    // One, two and three digits in each part, 0 and 255 included.
    CHECK(hosts_of({"127.0.9-10.99-100"}) ==
          Strings{"127.0.9.99", "127.0.9.100", "127.0.10.99", "127.0.10.100"});
    CHECK(hosts_of({"127.255.255.254/31"}) == Strings{"127.255.255.254", "127.255.255.255"});
    CHECK(hosts_of({"127.0.0.0/31"}) == Strings{"127.0.0.0", "127.0.0.1"});
}

TEST_CASE("host items: IPv6 blocks keep every address, /96 to /128", "[probe][targets]")
{
    CHECK(hosts_of({"::1/128"}) == Strings{"::1"});
    CHECK(hosts_of({"::1/127"}) == Strings{"::", "::1"});
    CHECK(hosts_of({"fd00::ff/120"}).back() == "fd00::ff");
    CHECK(count_of("fd00::/112") == 65536);
    CHECK(hosts_of({"fd00::/112"}).at(65535) == "fd00::ffff");
    CHECK(count_of("fd00::/96", true) == 4294967296);
    HostList hosts;
    hosts.add("fd00::/96", true);
    CHECK(hosts.host(65536) == "fd00::1:0"); // the carry into the next 16 bits
    CHECK(hosts.host(4294967295) == "fd00::ffff:ffff");
}

TEST_CASE("host items: IPv4 ranges in any part, the last part fastest", "[probe][targets]")
{
    CHECK(hosts_of({"127.0.1.1-3"}) == Strings{"127.0.1.1", "127.0.1.2", "127.0.1.3"});
    CHECK(hosts_of({"127.0-1.0.1-2"}) == Strings{"127.0.0.1", "127.0.0.2", "127.1.0.1", "127.1.0.2"});
    CHECK(hosts_of({"127.0.1.5-5"}) == Strings{"127.0.1.5"});
    CHECK(count_of("127.0.1.0-255") == 256);
    CHECK(count_of("127.0-255.0-255.0-255", true) == 16777216);
}

TEST_CASE("host items: comma lists, in order, duplicates kept", "[probe][targets]")
{
    CHECK(hosts_of({"localhost,127.0.2.0/30"}) == Strings{"localhost", "127.0.2.1", "127.0.2.2"});
    CHECK(hosts_of({"::1,127.0.0.1", "127.0.0.1"}) == Strings{"::1", "127.0.0.1", "127.0.0.1"});
    HostList names;
    names.add("localhost,127.0.0.1,ip6-localhost,localhost", false);
    CHECK(names.names() == Strings{"localhost", "ip6-localhost"}); // looked up once each
}

TEST_CASE("host items: more than 65536 addresses need allow_large", "[probe][targets]")
{
    CHECK(count_of("127.0.0.0/15", true) == 131070);
    CHECK_THROWS_WITH(count_of("127.0.0.0/15"), Catch::Contains("--allow-large"));
    CHECK_THROWS_WITH(count_of("127.0-1.0-255.0-255"), Catch::Contains("--allow-large"));
    CHECK_THROWS_WITH(count_of("fd00::/111"), Catch::Contains("--allow-large"));
    CHECK_THROWS_WITH(count_of("fd00::/95", true), Catch::Contains("/96"));
    CHECK(count_of("127.0.0-255.0-255") == 65536); // exactly the limit
}

TEST_CASE("host items: bad forms say why", "[probe][targets]")
{
    const std::vector<std::pair<std::string_view, std::string_view>> bad = {
        {"", "empty"},
        {"127.0.0.1,", "empty host"},
        {",localhost", "empty host"},
        {"127.0.0.256", "0 to 255"},
        {"127.0.0.01", "0 to 255"},
        {"127.0.0.1-300", "0 to 255"},
        {"127.0.0.9-3", "ends before"},
        {"127.0.0.1/33", "prefix length"},
        {"127.0.0.1/", "prefix length"},
        {"127.0.0.1/24/8", "not a name"},
        {"127.0-1.0", "four parts"},
        {"127.0.0.1.1", "four parts"},
        {"80", "four parts"},
        {"1-1024", "four parts"},
        {"::1/129", "prefix length"},
        {"::g", "IPv6"},
        {"[127.0.0.1]", "brackets"},
        {"[::1", "brackets"},
        {"[::1]/128", "without brackets"},
        {"localhost/24", "not a name"},
        {"-x", "host name"},
        {"a b", "host name"},
        {"h\x1b[2J", "host name"},
    };
    for (const auto& [item, why] : bad) {
        INFO("item: " << item);
        HostList hosts;
        CHECK_THROWS_AS(hosts.add(item, true), TargetError);
        CHECK_THROWS_WITH(hosts.add(item, true), Catch::Contains(std::string(why)));
    }
}

TEST_CASE("written_as_hosts(): addresses, blocks, ranges and lists; not names or queries", "[probe][targets]")
{
    for (std::string_view item : {"127.0.0.1", "::1", "[::1]", "127.0.1.0/24", "127.0.1.1-40",
                                  "localhost,ssh", "::1/128", "127.0.0.300"})
        CHECK(written_as_hosts(item));
    for (std::string_view item : {"localhost", "daytime", "80", "1-1024", "13/udp", "1-1024/tcp", "http"})
        CHECK_FALSE(written_as_hosts(item));
}

TEST_CASE("TargetPlan: every port on every host, hosts interleaved", "[probe][targets]")
{
    HostList hosts;
    hosts.add("127.0.1.1-3", false);
    const TargetPlan plan(std::move(hosts), {{13, Transport::tcp, DialogueKind::daytime, "daytime"},
                                             {13, Transport::udp, DialogueKind::daytime, "daytime"}});
    REQUIRE(plan.size() == 6);
    std::vector<std::string> order;
    for (std::uint64_t i = 0; i < plan.size(); ++i) {
        const Target target = plan.at(i);
        order.push_back(target.host + ":" + std::string(to_string(target.transport)));
        CHECK(target.port == 13);
        CHECK(target.service == "daytime");
        CHECK(plan.hosts().host(plan.host_of(i)) == target.host);
    }
    CHECK(order == Strings{"127.0.1.1:tcp", "127.0.1.2:tcp", "127.0.1.3:tcp", "127.0.1.1:udp",
                           "127.0.1.2:udp", "127.0.1.3:udp"});
}

TEST_CASE("TargetPlan: hosts in groups, each group through every port, every target once", "[probe][targets]")
{
    HostList hosts;
    hosts.add("127.0.0-9.0-255", false); // 2560 hosts: groups of 1024, 1024 and 512
    std::vector<PortTarget> ports;
    for (std::uint16_t port = 1; port <= 3; ++port)
        ports.push_back({port, Transport::tcp, DialogueKind::generic, ""});
    const TargetPlan plan(std::move(hosts), ports);
    REQUIRE(plan.size() == 2560 * 3);
    CHECK(plan.at(0).host == "127.0.0.0");
    CHECK(plan.at(1023).host == "127.0.3.255");
    CHECK(plan.at(1024).host == "127.0.0.0"); // the first group's second port
    CHECK(plan.at(1024).port == 2);
    CHECK(plan.at(3072).host == "127.0.4.0"); // the second group starts
    CHECK(plan.at(3072).port == 1);
    CHECK(plan.at(6144).host == "127.0.8.0"); // the last group: 512 hosts
    CHECK(plan.at(6144 + 512).host == "127.0.8.0");
    CHECK(plan.at(6144 + 512).port == 2);
    CHECK(plan.at(plan.size() - 1).host == "127.0.9.255");
    CHECK(plan.at(plan.size() - 1).port == 3);
    std::set<std::pair<std::uint64_t, std::size_t>> seen;
    for (std::uint64_t i = 0; i < plan.size(); ++i) {
        const auto host = plan.host_of(i);
        CHECK((i == 0 || host != plan.host_of(i - 1))); // never the same host twice in a row
        seen.emplace(host, plan.port_of(i));
    }
    CHECK(seen.size() == plan.size());
}

TEST_CASE("TargetPlan: no ports or no hosts is no target", "[probe][targets]")
{
    HostList hosts;
    hosts.add("127.0.0.1", false);
    CHECK(TargetPlan(hosts, {}).size() == 0);
    CHECK(TargetPlan(HostList(), {{80, Transport::tcp, DialogueKind::http, "http"}}).size() == 0);
}

TEST_CASE("PortList: queries as today, each port and protocol once", "[probe][targets]")
{
    const Table table =
        table_of("daytime 13/tcp\ndaytime 13/udp\nhttp 80/tcp www\nrplay 5555/udp\n", Format::services);
    PortList ports(table, "test-db", std::nullopt, false);
    ports.add_query("daytime", portent::services::parse_query("daytime"));
    ports.add_query("5554-5555", portent::services::parse_query("5554-5555"));
    ports.add_query("13", portent::services::parse_query("13"));
    ports.add_query("www", portent::services::parse_query("www"));
    std::vector<std::string> got;
    for (const PortTarget& port : ports.ports())
        got.push_back(std::to_string(port.port) + "/" + std::string(to_string(port.transport)) + " " +
                      std::string(to_string(port.dialogue)) + " " + port.service);
    CHECK(got == Strings{"13/tcp daytime daytime", "13/udp daytime daytime", "5554/tcp generic ",
                         "5555/tcp generic ", "5555/udp generic rplay", "80/tcp http http"});
    CHECK_THROWS_WITH(ports.add_query("nosuch", portent::services::parse_query("nosuch")),
                      "nosuch: no such service in test-db");
    CHECK_THROWS_AS(ports.add_query("0", portent::services::parse_query("0")), TargetError);
    CHECK_THROWS_AS(ports.add_query("13/sctp", portent::services::parse_query("13/sctp")), TargetError);
}

TEST_CASE("PortList: --top takes the most often open ports of one protocol", "[probe][targets]")
{
    const Table table = table_of(nmap_text, Format::nmap);
    PortList tcp(table, "test-db", std::nullopt, false);
    tcp.add_top(3, Transport::tcp);
    std::vector<std::uint16_t> got;
    for (const PortTarget& port : tcp.ports())
        got.push_back(port.port);
    CHECK(got == std::vector<std::uint16_t>{80, 23, 443});
    CHECK(tcp.ports().front().dialogue == DialogueKind::http);

    PortList udp(table, "test-db", std::nullopt, false);
    udp.add_top(100, Transport::udp); // more than there are: all of them
    got.clear();
    for (const PortTarget& port : udp.ports())
        got.push_back(port.port);
    CHECK(got == std::vector<std::uint16_t>{161, 137, 53, 13});

    PortList both(table, "test-db", std::nullopt, false); // a query and --top: each target once
    both.add_top(1, Transport::tcp);
    both.add_query("http", portent::services::parse_query("http"));
    CHECK(both.ports().size() == 1);
}

TEST_CASE("PortList: --top without open-frequencies names the fix", "[probe][targets]")
{
    const Table table = table_of("http 80/tcp\n", Format::services);
    PortList ports(table, "/etc/services", std::nullopt, false);
    CHECK_THROWS_WITH(ports.add_top(10, Transport::tcp),
                      Catch::Contains("/etc/services") &&
                          Catch::Contains("--db /usr/share/nmap/nmap-services"));
}
