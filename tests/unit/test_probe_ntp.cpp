#include "probe/dialogue/dialogue.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace portent::probe;
using namespace std::chrono;

namespace {

constexpr std::uint64_t seconds_from_1900_to_1970 = 2'208'988'800;

std::uint64_t read_64(const std::string& bytes, std::size_t at)
{
    std::uint64_t value = 0;
    for (std::size_t index = 0; index < 8; ++index)
        value = (value << 8U) | static_cast<unsigned char>(bytes[at + index]);
    return value;
}

std::string bytes_64(std::uint64_t value)
{
    std::string bytes(8, '\0');
    for (int index = 7; index >= 0; --index, value >>= 8U)
        bytes[static_cast<std::size_t>(index)] = static_cast<char>(value & 0xFFU);
    return bytes;
}

// An NTP timestamp (32.32 fixed point since 1900) as a point on the system clock.
system_clock::time_point instant_of(std::uint64_t timestamp)
{
    const auto seconds_since_1970 = static_cast<std::int64_t>((timestamp >> 32U) - seconds_from_1900_to_1970);
    const auto fraction = static_cast<std::int64_t>(((timestamp & 0xFFFFFFFFU) * 1'000'000'000U) >> 32U);
    return system_clock::time_point(
        duration_cast<system_clock::duration>(seconds(seconds_since_1970) + nanoseconds(fraction)));
}

constexpr std::uint64_t half_second = std::uint64_t{1} << 31U;
constexpr std::uint64_t one_second = std::uint64_t{1} << 32U;

// A server's reply (RFC 5905 7.3) to `request`, written field by field: leap indicator and mode,
// stratum, reference ID 127.0.0.1, the request's transmit time as origin, and the server's
// receive and transmit times.
std::string server_reply(const std::string& request, unsigned leap, unsigned mode, unsigned stratum,
                         std::uint64_t receive, std::uint64_t transmit)
{
    std::string packet(48, '\0');
    packet[0] = static_cast<char>((leap << 6U) | (4U << 3U) | mode);
    packet[1] = static_cast<char>(stratum);
    packet.replace(12, 4, std::string("\x7f\x00\x00\x01", 4));
    packet.replace(24, 8, request.substr(40, 8));
    packet.replace(32, 8, bytes_64(receive));
    packet.replace(40, 8, bytes_64(transmit));
    return packet;
}

} // namespace

TEST_CASE("ntp sends a version 4 client packet stamped with the local clock", "[probe][ntp]")
{
    auto dialogue = make_ntp_dialogue();
    const auto before = system_clock::now();
    const std::string request = dialogue->request();
    REQUIRE(request.size() == 48);
    CHECK(request[0] == '\x23'); // LI 0, VN 4, mode 3
    CHECK(request.substr(1, 39) == std::string(39, '\0'));
    CHECK(abs(instant_of(read_64(request, 40)) - before) < 1s);
}

TEST_CASE("ntp shows the stratum and the offset of the server's clock", "[probe][ntp]")
{
    auto dialogue = make_ntp_dialogue();
    const std::string request = dialogue->request();
    const std::uint64_t t1 = read_64(request, 40);
    // The server's clock is 1.5 s ahead; the request takes 1 ms there and back, none in the server.
    const std::uint64_t t2 = t1 + one_second + half_second;
    const auto t4 = instant_of(t1) + 1ms;
    const Judgement judgement =
        dialogue->judge({server_reply(request, 0, 4, 2, t2, t2), ReadEnd::datagram, t4});
    CHECK(judgement.passed == true);
    CHECK(judgement.answer == "stratum 2, offset +1.499500 s");
    CHECK(judgement.detail == "reference 127.0.0.1, delay 0.001000 s");
}

TEST_CASE("ntp fails a server that is not synchronized, or says kiss-o'-death", "[probe][ntp]")
{
    auto dialogue = make_ntp_dialogue();
    const std::string request = dialogue->request();
    const std::uint64_t t1 = read_64(request, 40);
    const auto t4 = instant_of(t1);
    const Judgement unsynchronized =
        dialogue->judge({server_reply(request, 3, 4, 16, t1, t1), ReadEnd::datagram, t4});
    CHECK(unsynchronized.passed == false);
    CHECK(unsynchronized.answer == "stratum 16, offset +0.000000 s");
    CHECK(unsynchronized.detail == "not synchronized; reference 127.0.0.1, delay 0.000000 s");
    std::string kiss = server_reply(request, 3, 4, 0, 0, 0);
    kiss.replace(12, 4, "RATE");
    const Judgement refused = dialogue->judge({kiss, ReadEnd::datagram, t4});
    CHECK(refused.passed == false);
    CHECK(refused.answer == "kiss code RATE");
}

TEST_CASE("ntp fails what is not a server's reply to this request", "[probe][ntp]")
{
    auto dialogue = make_ntp_dialogue();
    const std::string request = dialogue->request();
    const std::uint64_t t1 = read_64(request, 40);
    CHECK(dialogue->judge({server_reply(request, 0, 3, 2, t1, t1), ReadEnd::datagram}).passed == false);
    std::string other_origin = server_reply(request, 0, 4, 2, t1, t1);
    other_origin[31] = static_cast<char>(other_origin[31] ^ 1);
    CHECK(dialogue->judge({other_origin, ReadEnd::datagram}).passed == false);
    CHECK(dialogue->judge({request.substr(0, 47), ReadEnd::datagram}).detail ==
          "not an NTP packet: 47 bytes");
}

TEST_CASE("ntp: one datagram is the whole reply", "[probe][ntp]")
{
    auto dialogue = make_ntp_dialogue();
    CHECK_FALSE(dialogue->complete(""));
    CHECK(dialogue->complete(std::string(48, '\0')));
    CHECK(dialogue->complete("x"));
}
