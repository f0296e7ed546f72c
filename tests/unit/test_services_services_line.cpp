#include "services/parse.hpp"
#include "services/services_line.hpp"

#include <catch2/catch.hpp>

using namespace portent::services;

namespace {

const std::string iana_header = "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                                "Registration Date,Modification Date,Reference,Service Code,"
                                "Unauthorized Use Reported,Assignment Notes\n";

} // namespace

TEST_CASE("services(5) lines are what getent prints, one per port of a range", "[services_line]")
{
    const auto result = parse_services("http 80/tcp www www-http # WorldWideWeb\n"
                                       "a-name-longer-than-twenty-one 1/udp\n");
    std::string text;
    append_services_line(text, result.entries[0], 80);
    append_services_line(text, result.entries[1], 1);
    CHECK(text == "http                  80/tcp www www-http\n"
                  "a-name-longer-than-twenty-one 1/udp\n");
}

TEST_CASE("a services(5) line holds an entry with a name, a port and a protocol, as fields",
          "[services_line]")
{
    // The entries view the text: it outlives them.
    const std::string text = iana_header + "x11,6000-6063,tcp,X,,,,,,,,\n"
                                           ",0,tcp,Reserved,,,,,,,,\n"
                                           "noproto,51,,Reserved,,,,,,,,\n"
                                           "noport,,tcp,,,,,,,,,\n"
                                           "Apple Remote Desktop,3283,tcp,,,,,,,,,\n"
                                           "\"a#b\",1,tcp,,,,,,,,,\n"
                                           "c,2,/tcp,,,,,,,,,\n"
                                           "d,3,\"t\tcp\",,,,,,,,,\n";
    const auto csv = parse_iana_csv(text);
    REQUIRE(csv.entries.size() == 8);
    std::vector<bool> fits;
    for (const Entry& entry : csv.entries)
        fits.push_back(fits_services_line(entry));
    CHECK(fits == std::vector<bool>{true, false, false, false, false, false, false, false});
    // Whatever services(5) parsing accepts, a line holds.
    const auto services = parse_services("ctl\x01 1/tcp \x1b[31m\nslashes 2//tcp/x\n");
    REQUIRE(services.entries.size() == 2);
    CHECK(fits_services_line(services.entries[0]));
    CHECK(fits_services_line(services.entries[1]));
}
