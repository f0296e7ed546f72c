#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace portent::probe;
using namespace std::string_literals;

namespace {

// RFC 3416 and X.690 BER, written out by hand: version 1 (v2c), community "public", then the PDU.
std::string message(const std::string& pdu)
{
    const std::string content = "\x02\x01\x01\x04\x06public"s + pdu;
    return "\x30"s + static_cast<char>(content.size()) + content;
}

// A Response (0xa2) to request 0x1234 with error-status `status` and one binding of sysDescr.0.
std::string response(char status, const std::string& value)
{
    const std::string binding = "\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00"s + value;
    const std::string bindings = "\x30"s + static_cast<char>(binding.size() + 2) + "\x30"s +
                                 static_cast<char>(binding.size()) + binding;
    const std::string fields = "\x02\x02\x12\x34\x02\x01"s + status + "\x02\x01\x00"s + bindings;
    return message("\xa2"s + static_cast<char>(fields.size()) + fields);
}

} // namespace

TEST_CASE("snmp sends a v2c GetRequest for sysDescr.0 with community public", "[probe][snmp]")
{
    CHECK(make_snmp_dialogue(0x1234)->request() ==
          "\x30\x27\x02\x01\x01\x04\x06public\xa0\x1a\x02\x02\x12\x34\x02\x01\x00\x02\x01\x00"
          "\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00"s);
    // A request ID with its top bit set gets a leading zero octet: INTEGER is signed.
    CHECK(make_snmp_dialogue(0x80)->request().find("\x02\x02\x00\x80"s) != std::string::npos);
}

TEST_CASE("snmp shows sysDescr from the agent's Response", "[probe][snmp]")
{
    const Judgement judgement =
        make_snmp_dialogue(0x1234)->judge({response('\0', "\x04\x05Linux"s), ReadEnd::datagram});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "Linux");
    CHECK(judgement.detail == "sysDescr.0");
}

TEST_CASE("snmp names exceptions and errors of a Response", "[probe][snmp]")
{
    auto dialogue = make_snmp_dialogue(0x1234);
    const Judgement exception = dialogue->judge({response('\0', "\x80\x00"s), ReadEnd::datagram});
    CHECK(exception.passed == true);
    CHECK(exception.answer == "noSuchObject");
    const Judgement error = dialogue->judge({response('\x05', "\x05\x00"s), ReadEnd::datagram});
    CHECK(error.passed == true);
    CHECK(error.answer == "genErr");
    CHECK(error.detail == "error-status 5, error-index 0");
}

TEST_CASE("snmp fails what is not a Response to its request", "[probe][snmp]")
{
    auto dialogue = make_snmp_dialogue(0x1235);
    CHECK(dialogue->judge({response('\0', "\x04\x05Linux"s), ReadEnd::datagram}).detail ==
          "not an SNMPv2c Response to this request");
    auto same = make_snmp_dialogue(0x1234);
    std::string get_request = response('\0', "\x04\x05Linux"s);
    get_request[13] = '\xa0';
    CHECK(same->judge({get_request, ReadEnd::datagram}).passed == false);
    const std::string whole = response('\0', "\x04\x05Linux"s);
    CHECK(same->judge({whole.substr(0, whole.size() - 3), ReadEnd::datagram}).detail ==
          "not an SNMP message");
    CHECK(same->judge({"\x30\x84\xff\xff\xff\xff"s, ReadEnd::datagram}).passed == false);
    CHECK(same->judge({"", ReadEnd::datagram}).passed == false);
}

TEST_CASE("snmp: one datagram is the whole reply; each dialogue picks its own request-id", "[probe][snmp]")
{
    auto dialogue = make_snmp_dialogue();
    CHECK_FALSE(dialogue->complete(""));
    CHECK(dialogue->complete("0"));
    // A GetRequest (SEQUENCE, version 1 = SNMPv2c, community "public"), whatever its request-id.
    const std::string request = dialogue->request();
    CHECK(request.starts_with("\x30"s));
    CHECK(request.find("\x02\x01\x01\x04\x06public"s) != std::string::npos);
}
