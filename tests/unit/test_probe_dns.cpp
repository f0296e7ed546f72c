#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace portent::probe;
using namespace std::string_literals;

namespace {

// RFC 1035 4.1, written out by hand: the header (ID 0x1234), then the question version.bind
// TXT CH as it was asked.
const std::string question = "\x07version\x04"
                             "bind\0"s
                             "\0\x10\0\x03"s;

std::string reply(std::string flags, std::string counts, std::string records)
{
    return "\x12\x34"s + flags + counts + question + records;
}

// NOERROR, authoritative, one TXT answer "dnsmasq-2.89" whose name points at the question (0xc00c).
const std::string version_reply = reply("\x84\x00"s, "\0\x01\0\x01\0\0\0\0"s,
                                        "\xc0\x0c\0\x10\0\x03\0\0\0\0\0\x0d\x0c"
                                        "dnsmasq-2.89"s);

} // namespace

TEST_CASE("dns asks for version.bind CH TXT in a standard query", "[probe][dns]")
{
    auto udp = make_dns_dialogue(Transport::udp, 0x1234);
    CHECK(udp->request() == "\x12\x34\0\0\0\x01\0\0\0\0\0\0"s + question);
    auto tcp = make_dns_dialogue(Transport::tcp, 0x1234);
    CHECK(tcp->request() == "\0\x1e\x12\x34\0\0\0\x01\0\0\0\0\0\0"s + question);
}

TEST_CASE("dns shows the version a name server gives", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::udp, 0x1234);
    const Judgement judgement = dialogue->judge({version_reply, ReadEnd::datagram});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "version.bind: dnsmasq-2.89");
    CHECK(judgement.detail == "1 answer");
}

TEST_CASE("dns passes a server that refuses, and names the rcode", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::udp, 0x1234);
    const Judgement judgement =
        dialogue->judge({reply("\x80\x05"s, "\0\x01\0\0\0\0\0\0"s, ""), ReadEnd::datagram});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "REFUSED");
    CHECK(judgement.detail == "0 answers");
}

TEST_CASE("dns fails what is not a response to its query", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::udp, 0x1234);
    std::string other_id = version_reply;
    other_id[1] = '\x35';
    CHECK(dialogue->judge({other_id, ReadEnd::datagram}).passed == false);
    std::string query_back = version_reply;
    query_back[2] = '\x04'; // QR clear: the query itself, echoed
    CHECK(dialogue->judge({query_back, ReadEnd::datagram}).passed == false);
    const Judgement short_one = dialogue->judge({"\x12\x34\x84"s, ReadEnd::datagram});
    CHECK(short_one.passed == false);
    CHECK(short_one.detail == "not a DNS message: 3 bytes, fewer than a header's 12");
}

TEST_CASE("dns notes records cut short and never reads past them", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::udp, 0x1234);
    const std::string cut = version_reply.substr(0, version_reply.size() - 5);
    const Judgement judgement = dialogue->judge({cut, ReadEnd::datagram});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "NOERROR");
    CHECK(judgement.detail == "1 answer, records cut short");
}

TEST_CASE("dns over TCP reads the two-byte length first", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::tcp, 0x1234);
    const std::string framed = std::string{'\0', static_cast<char>(version_reply.size())} + version_reply;
    CHECK_FALSE(dialogue->complete(framed.substr(0, 20)));
    CHECK(dialogue->complete(framed));
    CHECK(dialogue->judge({framed, ReadEnd::complete}).answer == "version.bind: dnsmasq-2.89");
    const Judgement cut = dialogue->judge({framed.substr(0, 20), ReadEnd::end_of_stream});
    CHECK(cut.passed == false);
    CHECK(cut.detail == "an incomplete DNS message");
}
