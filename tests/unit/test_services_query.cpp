#include "services/entry.hpp"
#include "services/query.hpp"

#include <catch2/catch.hpp>

using portent::services::parse_query;
using Kind = portent::services::Query::Kind;

TEST_CASE("query grammar follows getent: the text after the first '/' is the protocol", "[query]")
{
    auto query = parse_query("http/tcp");
    CHECK(query.kind == Kind::name);
    CHECK(query.name == "http");
    CHECK(query.protocol == "tcp");

    query = parse_query("80/");
    CHECK(query.kind == Kind::port);
    CHECK(query.port_first == 80);
    CHECK(query.protocol == "");

    query = parse_query("a/b/c");
    CHECK(query.name == "a");
    CHECK(query.protocol == "b/c");

    CHECK_FALSE(parse_query("http").protocol);
}

TEST_CASE("ports are all digits from 0 to 65535; anything else is a name", "[query]")
{
    CHECK(parse_query("0").kind == Kind::port);
    CHECK(parse_query("00080").port_first == 80);
    CHECK(parse_query("65535").kind == Kind::port);
    CHECK(parse_query("65536").kind == Kind::name);
    CHECK(parse_query("99999").name == "99999");
    CHECK(parse_query("1e3").kind == Kind::name);
    CHECK(parse_query("-1").kind == Kind::name);
    CHECK(parse_query("+80").kind == Kind::name);
    CHECK(parse_query(" 80").kind == Kind::name);
    CHECK(parse_query("").kind == Kind::name);
}

TEST_CASE("ranges are LO-HI with LO <= HI", "[query]")
{
    auto query = parse_query("6000-6063/udp");
    CHECK(query.kind == Kind::range);
    CHECK(query.port_first == 6000);
    CHECK(query.port_last == 6063);
    CHECK(query.protocol == "udp");
    CHECK(parse_query("10-10").kind == Kind::range);
    CHECK(parse_query("20-10").kind == Kind::name);
    CHECK(parse_query("1-65536").kind == Kind::name);
    CHECK(parse_query("x11-ssh").kind == Kind::name);
    CHECK(parse_query("1-").kind == Kind::name);
}

TEST_CASE("digits-digits that is no range says why, and is still a name", "[query]")
{
    auto query = parse_query("100-50/tcp");
    CHECK(query.kind == Kind::name);
    CHECK(query.name == "100-50");
    CHECK(query.not_a_range == "its first port is above its last; did you mean 50-100/tcp?");
    CHECK(parse_query("1-70000").not_a_range == "port 70000 is over 65535");
    CHECK(parse_query("99999999999999999999-1").not_a_range == "port 99999999999999999999 is over 65535");
    CHECK(parse_query("50-100").not_a_range.empty());
    CHECK(parse_query("x-1").not_a_range.empty());
    CHECK(parse_query("-1").not_a_range.empty());
    CHECK(parse_query("1-").not_a_range.empty());
}

TEST_CASE("the ports a query asks of an entry", "[query]")
{
    const std::string text = "x11 tcp";
    portent::services::Entry x11;
    x11.set_text(std::string_view(text).substr(0, 3), std::string_view(text).substr(4), {}, {});
    x11.set_ports(6000, 6063);
    // A name asks for every port of its entry; a port or a range only for those it covers.
    CHECK(parse_query("x11").asked_ports(x11).first == 6000);
    CHECK(parse_query("x11").asked_ports(x11).last == 6063);
    CHECK(parse_query("6010").asked_ports(x11).first == 6010);
    CHECK(parse_query("6010").asked_ports(x11).last == 6010);
    CHECK(parse_query("5990-6002/tcp").asked_ports(x11).first == 6000);
    CHECK(parse_query("5990-6002/tcp").asked_ports(x11).last == 6002);
    CHECK(parse_query("6060-7000").asked_ports(x11).first == 6060);
    CHECK(parse_query("6060-7000").asked_ports(x11).last == 6063);
    // A service named like a range is found by its name: all of its ports.
    const std::string named_text = "10-20 tcp";
    portent::services::Entry named = x11;
    named.set_text(std::string_view(named_text).substr(0, 5), std::string_view(named_text).substr(6), {}, {});
    named.set_ports(5, 5);
    CHECK(parse_query("10-20").asked_ports(named).first == 5);
    CHECK(parse_query("10-20").asked_ports(named).last == 5);
}
