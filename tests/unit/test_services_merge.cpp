#include "services/merge.hpp"
#include "services/query.hpp"
#include "services/services_line.hpp"
#include "services/table.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace portent::services;

namespace {

// Sources named a, b, c, … in the order given (services(5) unless the text is a CSV row).
Table sources_of(std::vector<std::string> texts)
{
    std::vector<Table::Part> parts;
    char name = 'a';
    for (std::string& text : texts)
        parts.push_back(Table::Part::holding(std::string(1, name++), std::nullopt, std::move(text)));
    return Table(std::move(parts));
}

// "source:line" of each entry.
std::vector<std::string> where(const Table& table, const std::vector<std::uint32_t>& indices)
{
    std::vector<std::string> places;
    for (std::uint32_t index : indices)
        places.push_back(table.sources()[table.entry(index).source()].name + ":" +
                         std::to_string(table.entry(index).line()));
    return places;
}

using Places = std::vector<std::string>;

std::vector<std::uint32_t> listed(const Table& table, EntryFilter accept = nullptr)
{
    const std::vector<bool> hidden = hidden_by_earlier_sources(table, accept);
    std::vector<std::uint32_t> shown;
    for (std::uint32_t index = 0; index < table.entries().size(); ++index)
        if ((!accept || accept(table.entry(index))) && !hidden[index])
            shown.push_back(index);
    return shown;
}

const std::string iana_header = "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                                "Registration Date,Modification Date,Reference,Service Code,"
                                "Unauthorized Use Reported,Assignment Notes\n";

} // namespace

TEST_CASE("a name is answered by the first source that has it for each protocol", "[merge]")
{
    const Table table = sources_of({"daytime 9913/tcp daytime-b\n", "daytime 13/tcp\ndaytime 13/udp\n"});
    CHECK(where(table, parse_query("daytime").find_in(table)) == Places{"a:1", "b:2"});
    CHECK(where(table, parse_query("daytime/tcp").find_in(table)) == Places{"a:1"});
    CHECK(where(table, parse_query("daytime-b").find_in(table)) == Places{"a:1"});
    // --first is the first in file order, as getservbyname(3) over the sources in turn.
    CHECK(where(table, {*parse_query("daytime").first_in(table)}) == Places{"a:1"});
    CHECK(where(table, {*parse_query("daytime/udp").first_in(table)}) == Places{"b:2"});
}

TEST_CASE("the same source twice shows each entry once; one source shows its duplicates", "[merge]")
{
    const std::string text = "x 1/tcp\nx 2/tcp\ny 1/udp\n";
    const Table twice = sources_of({text, text});
    CHECK(where(twice, parse_query("x").find_in(twice)) == Places{"a:1", "a:2"});
    CHECK(where(twice, parse_query("1").find_in(twice)) == Places{"a:1", "a:3"});
    CHECK(where(twice, listed(twice)) == Places{"a:1", "a:2", "a:3"});
    const Table once = sources_of({text});
    CHECK(where(once, listed(once)) == Places{"a:1", "a:2", "a:3"});
}

TEST_CASE("a port is answered by the first source that has it for each protocol", "[merge]")
{
    const Table table = sources_of({"daytime 13/tcp\n", "day 13/tcp\nday 13/udp\nother 14/tcp\n"});
    CHECK(where(table, parse_query("13").find_in(table)) == Places{"a:1", "b:2"});
    // A range: each port of it is answered by the first source that has it.
    CHECK(where(table, parse_query("13-14/tcp").find_in(table)) == Places{"a:1", "b:3"});
    // A list shows each name with its protocol once: "day" is another name.
    CHECK(where(table, listed(table)) == Places{"a:1", "b:1", "b:2", "b:3"});
}

TEST_CASE("a range entry of a later source shows while it holds ports the earlier ones lack", "[merge]")
{
    const Table table =
        sources_of({"x11 6000/tcp\n", iana_header + "x11,6000-6063,tcp,X Window System,,,,,,,,\n"});
    CHECK(where(table, parse_query("6000/tcp").find_in(table)) == Places{"a:1"});
    CHECK(where(table, parse_query("6010/tcp").find_in(table)) == Places{"b:2"});
    CHECK(where(table, parse_query("6000-6001/tcp").find_in(table)) == Places{"a:1", "b:2"});
    CHECK(where(table, parse_query("x11").find_in(table)) == Places{"a:1"});
}

TEST_CASE("a list hides a later entry whose name an earlier source gives for its protocol", "[merge]")
{
    const Table table = sources_of({"http 80/tcp www\n", "www 8080/tcp\nhttp 80/udp\nnew 1/tcp\n",
                                    iana_header + ",0,tcp,Reserved,,,,,,,,\n,80,tcp,Reserved,,,,,,,,\n"});
    CHECK(where(table, listed(table)) == Places{"a:1", "b:2", "b:3", "c:2"});
    // Entries a view leaves out neither hide nor show: here those without a name.
    CHECK(where(table, listed(table, fits_services_line)) == Places{"a:1", "b:2", "b:3"});
}

TEST_CASE("a view's filter applies before the first source wins", "[merge]")
{
    const Table table =
        sources_of({iana_header + "x,5,,no protocol,,,,,,,,\nx y,5,tcp,a space,,,,,,,,\n", "z 5/tcp\n"});
    CHECK(where(table, parse_query("5/tcp").find_in(table)) == Places{"a:3"});
    CHECK(where(table, parse_query("5/tcp").find_in(table, fits_services_line)) == Places{"b:1"});
    CHECK(where(table, {*parse_query("5/tcp").first_in(table, fits_services_line)}) == Places{"b:1"});
    CHECK_FALSE(parse_query("x").first_in(table, fits_services_line));
}

TEST_CASE("the ports of a range answer are those no earlier source has", "[merge]")
{
    const Table table = sources_of(
        {"x11 6000/tcp\nx 6002/tcp\n", iana_header + "x11,6000-6063,tcp,X Window System,,,,,,,,\n"});
    const Query query = parse_query("6000-6005/tcp");
    const std::vector<std::uint32_t> found = query.find_in(table);
    REQUIRE(where(table, found) == Places{"a:1", "a:2", "b:2"});
    std::vector<std::string> spans;
    for (const auto& [index, ports] : first_source_ports(table, found, {6000, 6005}))
        spans.push_back(where(table, {index}).front() + " " + std::to_string(ports.first) + "-" +
                        std::to_string(ports.last));
    CHECK(spans ==
          std::vector<std::string>{"a:1 6000-6000", "a:2 6002-6002", "b:2 6001-6001", "b:2 6003-6005"});
}
