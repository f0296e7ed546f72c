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

// The second query, . NS IN, with the next ID (0x1235), and replies to it: REFUSED, or two NS
// records for the root whose names are written out (a.root.test, b.root.test).
const std::string root_question = "\0\0\x02\0\x01"s;
const std::string root_query = "\x12\x35\0\0\0\x01\0\0\0\0\0\0"s + root_question;
const std::string root_refused = "\x12\x35\x80\x05\0\x01\0\0\0\0\0\0"s + root_question;
std::string ns_record(char letter)
{
    return "\0\0\x02\0\x01\0\0\x0e\x10\0\x0d\x01"s + letter + "\x04root\x04test\0"s;
}
const std::string root_answered =
    "\x12\x35\x84\x00\0\x01\0\x02\0\0\0\0"s + root_question + ns_record('a') + ns_record('b');

std::string tcp_frame(const std::string& message)
{
    return std::string{'\0', static_cast<char>(message.size())} + message;
}

TEST_CASE("dns asks for version.bind CH TXT, then . NS, in standard queries", "[probe][dns]")
{
    auto udp = make_dns_dialogue(Transport::udp, 0x1234);
    CHECK(udp->request() == "\x12\x34\0\0\0\x01\0\0\0\0\0\0"s + question);
    CHECK(udp->next_request(version_reply) == root_query);
    CHECK(udp->next_request(root_refused).empty());
    auto tcp = make_dns_dialogue(Transport::tcp, 0x1234);
    CHECK(tcp->request() == "\0\x1e\x12\x34\0\0\0\x01\0\0\0\0\0\0"s + question + tcp_frame(root_query));
    CHECK(tcp->next_request(tcp_frame(version_reply)).empty());
}

TEST_CASE("dns shows the version a name server gives, and what it says of the root", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::udp, 0x1234);
    const Judgement alone = dialogue->judge({version_reply, ReadEnd::datagram});
    CHECK(alone.passed == true);
    CHECK(alone.answer == "version.bind: dnsmasq-2.89");
    CHECK(alone.detail == "1 answer; . NS: no response");
    REQUIRE_FALSE(dialogue->next_request(version_reply).empty());
    const Judgement refused = dialogue->judge({root_refused, ReadEnd::datagram});
    CHECK(refused.passed == true);
    CHECK(refused.answer == "version.bind: dnsmasq-2.89; . NS: REFUSED");
    CHECK(refused.detail == "1 answer");
    CHECK(dialogue->judge({root_answered, ReadEnd::datagram}).answer ==
          "version.bind: dnsmasq-2.89; . NS: 2 name servers");
    const Judgement stray = dialogue->judge({version_reply.substr(0, 5), ReadEnd::datagram});
    CHECK(stray.passed == true);
    CHECK(stray.detail == "1 answer; . NS: not a DNS message: 5 bytes, fewer than a header's 12");
}

TEST_CASE("dns passes a server that refuses, and names the rcode", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::udp, 0x1234);
    const std::string refused = reply("\x80\x05"s, "\0\x01\0\0\0\0\0\0"s, "");
    CHECK(dialogue->next_request(refused) == root_query);
    const Judgement judgement = dialogue->judge({root_refused, ReadEnd::datagram});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "REFUSED; . NS: REFUSED");
    CHECK(judgement.detail == "0 answers");
}

TEST_CASE("dns fails what is not a response to its query", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::udp, 0x1234);
    CHECK(dialogue->next_request(root_refused).empty());
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
    CHECK(judgement.detail == "1 answer, records cut short; . NS: no response");
}

TEST_CASE("dns over TCP reads the two-byte lengths, both answers", "[probe][dns]")
{
    auto dialogue = make_dns_dialogue(Transport::tcp, 0x1234);
    const std::string both = tcp_frame(version_reply) + tcp_frame(root_refused);
    CHECK_FALSE(dialogue->complete(both.substr(0, 20)));
    CHECK_FALSE(dialogue->complete(tcp_frame(version_reply)));
    CHECK(dialogue->complete(both));
    CHECK(dialogue->judge({both, ReadEnd::complete}).answer == "version.bind: dnsmasq-2.89; . NS: REFUSED");
    const Judgement one = dialogue->judge({tcp_frame(version_reply), ReadEnd::end_of_stream});
    CHECK(one.passed == true);
    CHECK(one.detail == "1 answer; . NS: no response");
    const Judgement cut = dialogue->judge({both.substr(0, 20), ReadEnd::end_of_stream});
    CHECK(cut.passed == false);
    CHECK(cut.detail == "an incomplete DNS message");
}

TEST_CASE("dns: a dialogue without a given id picks its own", "[probe][dns]")
{
    // The same query as with a given id, but for the first two bytes (the id, RFC 1035 4.1.1).
    const std::string chosen = make_dns_dialogue(Transport::udp)->request();
    const std::string given = make_dns_dialogue(Transport::udp, 0x1234)->request();
    REQUIRE(chosen.size() == given.size());
    CHECK(chosen.substr(2) == given.substr(2));
    // Over TCP, each query is framed by a two-byte length (RFC 1035 4.2.2): the first frame too.
    const std::string tcp = make_dns_dialogue(Transport::tcp)->request();
    REQUIRE(tcp.size() > given.size() + 2);
    CHECK(tcp.substr(0, 2) == "\0\x1e"s);
    CHECK(tcp.substr(4, given.size() - 2) == given.substr(2));
}
