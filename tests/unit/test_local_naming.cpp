#include "local/naming.hpp"

#include <catch2/catch.hpp>

using namespace portent::local;
using portent::services::parse_query;
using portent::services::Table;

namespace {

Table table_of(std::string text, portent::services::Format format = portent::services::Format::services)
{
    std::vector<Table::Part> parts;
    parts.push_back(Table::Part::holding("test", format, std::move(text)));
    return Table(std::move(parts));
}

const char* const sample = "ssh 22/tcp\n"
                           "domain 53/tcp\n"
                           "domain 53/udp\n"
                           "http-alt 8080/tcp webcache # HTTP Alternate\n"
                           "ssh 2222/tcp\n"
                           "https 443/tcp\n";

// The IANA registry: ranges, and rows of unassigned ports without a name.
const char* const iana_sample =
    "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,"
    "Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"
    "x11,6000-6063,tcp,X Window System,,,,,,,,\n"
    "x11-7,6007,tcp,a port inside the range later in the file,,,,,,,,\n"
    ",8079,tcp,Unassigned,,,,,,,,\n"
    "http-alt,8080,tcp,HTTP Alternate (see port 80),,,,,,,,\n";

Table iana_table()
{
    return table_of(iana_sample, portent::services::Format::iana_csv);
}

Socket socket_on(Protocol protocol, std::uint16_t port, std::uint8_t socket_state,
                 std::uint16_t remote_port = 0)
{
    Socket socket;
    socket.protocol = protocol;
    socket.state = socket_state;
    socket.local.port = port;
    socket.local.address = {127, 0, 0, 1};
    socket.remote.port = remote_port;
    if (remote_port != 0)
        socket.remote.address = {127, 0, 0, 1};
    return socket;
}

} // namespace

TEST_CASE("a port is named by the first entry of its protocol, ranges included", "[local][naming]")
{
    const Table table = table_of(sample);
    const auto* alternate = service_for(table, 8080, Protocol::tcp);
    REQUIRE(alternate);
    CHECK(alternate->name() == "http-alt");
    CHECK(alternate->comment() == "HTTP Alternate");
    CHECK_FALSE(service_for(table, 8080, Protocol::udp));
    CHECK(service_for(table, 53, Protocol::udp)->name() == "domain");

    const Table iana = iana_table();
    CHECK(service_for(iana, 6010, Protocol::tcp)->name() == "x11");
    CHECK(service_for(iana, 6007, Protocol::tcp)->name() == "x11"); // the range comes first in the file
    CHECK_FALSE(service_for(iana, 6064, Protocol::tcp));
}

TEST_CASE("a port without a name in the IANA registry is unregistered", "[local][naming]")
{
    const Table table = iana_table();
    CHECK_FALSE(service_for(table, 8079, Protocol::tcp));
    REQUIRE(service_for(table, 8080, Protocol::tcp));
    CHECK(service_for(table, 8080, Protocol::tcp)->comment() == "HTTP Alternate (see port 80)");
}

TEST_CASE("queries stand for the ports the database gives a name, a port or a range", "[local][naming]")
{
    const Table table = table_of(sample);
    const PortQuery ssh(parse_query("ssh"), table);
    CHECK(ssh.names_ports());
    CHECK(ssh.matches(22, Protocol::tcp));
    CHECK(ssh.matches(2222, Protocol::tcp));
    CHECK_FALSE(ssh.matches(22, Protocol::udp));
    CHECK_FALSE(ssh.matches(23, Protocol::tcp));

    const PortQuery domain_udp(parse_query("domain/udp"), table);
    CHECK(domain_udp.matches(53, Protocol::udp));
    CHECK_FALSE(domain_udp.matches(53, Protocol::tcp));

    const PortQuery alias(parse_query("webcache"), table);
    CHECK(alias.matches(8080, Protocol::tcp));

    const PortQuery x11(parse_query("x11"), iana_table());
    CHECK(x11.matches(6063, Protocol::tcp));
    CHECK_FALSE(x11.matches(6064, Protocol::tcp));

    const PortQuery port(parse_query("53/udp"), table);
    CHECK(port.matches(53, Protocol::udp));
    CHECK_FALSE(port.matches(53, Protocol::tcp));
    CHECK(PortQuery(parse_query("9999"), table).matches(9999, Protocol::udp)); // a port needs no entry

    const PortQuery range(parse_query("8000-9000"), table);
    CHECK(range.matches(8000, Protocol::tcp));
    CHECK(range.matches(9000, Protocol::udp));
    CHECK_FALSE(range.matches(9001, Protocol::tcp));

    const PortQuery unknown(parse_query("nosuch"), table);
    CHECK_FALSE(unknown.names_ports());
    CHECK_FALSE(unknown.matches(22, Protocol::tcp));
}

TEST_CASE("a range that is also a service's name stands for that service", "[local][naming]")
{
    const Table table = table_of("odd 7000/tcp 10-20\n");
    const PortQuery named(parse_query("10-20"), table);
    CHECK(named.matches(7000, Protocol::tcp));
    CHECK_FALSE(named.matches(15, Protocol::tcp));
}

TEST_CASE(
    "sockets in order of service port, listeners, accepted then outgoing connections; connections named "
    "for the side that serves",
    "[local][naming]")
{
    const Table table = table_of(sample);
    std::vector<Socket> sockets;
    sockets.push_back(socket_on(Protocol::tcp, 45000, state::established, 443)); // outgoing to https
    Socket accepted = socket_on(Protocol::tcp, 8080, state::established, 45001); // by a dual-stack listener
    accepted.ipv6 = true;
    sockets.push_back(accepted);
    sockets.push_back(socket_on(Protocol::tcp, 45001, state::established, 8080)); // its client end
    sockets.push_back(socket_on(Protocol::udp, 53, state::close));
    sockets.push_back(socket_on(Protocol::tcp, 8080, state::listen));
    sockets.push_back(socket_on(Protocol::tcp, 53, state::listen));
    Socket ipv6 = socket_on(Protocol::tcp, 22, state::listen);
    ipv6.ipv6 = true;
    sockets.push_back(ipv6);
    sockets.push_back(socket_on(Protocol::tcp, 22, state::listen));

    const std::vector<NamedSocket> named = name_sockets(std::move(sockets), table);
    REQUIRE(named.size() == 8);
    std::vector<std::pair<std::uint16_t, std::uint16_t>> order; // local, remote port
    for (const NamedSocket& entry : named)
        order.emplace_back(entry.socket.local.port, entry.socket.remote.port);
    CHECK(order ==
          std::vector<std::pair<std::uint16_t, std::uint16_t>>{
              {22, 0}, {22, 0}, {53, 0}, {53, 0}, {45000, 443}, {8080, 0}, {8080, 45001}, {45001, 8080}});
    CHECK_FALSE(named[0].socket.ipv6); // IPv4 first
    CHECK(named[1].socket.ipv6);
    CHECK(named[2].socket.protocol == Protocol::tcp);
    CHECK(named[3].socket.protocol == Protocol::udp);
    CHECK(named[4].service_port == 443);
    CHECK(named[4].service->name() == "https");
    CHECK(named[6].service_port == 8080);
    CHECK(named[7].service_port == 8080);
    CHECK(named[7].service->name() == "http-alt");
}

TEST_CASE("socket states by name", "[local][naming]")
{
    CHECK(state_name(Protocol::tcp, state::listen) == "listen");
    CHECK(state_name(Protocol::tcp, state::close) == "close");
    CHECK(state_name(Protocol::udp, state::close) == "unconnected");
    CHECK(state_name(Protocol::udp, state::established) == "established");
    CHECK(state_name(Protocol::tcp, state::fin_wait1) == "fin-wait-1");
    CHECK(state_name(Protocol::tcp, 200) == "unknown");
}
