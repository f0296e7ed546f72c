#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

#include <cstdio>

namespace portent::probe {

namespace {

using namespace std::chrono;

constexpr std::size_t packet_size = 48;
constexpr std::size_t reference_at = 12, origin_at = 24, receive_at = 32, transmit_at = 40;
constexpr unsigned server_mode = 4;
constexpr unsigned unsynchronized_stratum = 16;

unsigned byte_of(std::string_view bytes, std::size_t at)
{
    return static_cast<unsigned char>(bytes[at]);
}

std::uint32_t u32_of(std::string_view bytes, std::size_t at)
{
    return static_cast<std::uint32_t>(dialogue_text::big_endian(bytes.substr(at, 4)));
}

// An NTP timestamp (RFC 5905 6): seconds since 1900 and a binary fraction, 32 bits each.
std::string timestamp_bytes(system_clock::time_point instant)
{
    const auto since_epoch = duration_cast<nanoseconds>(instant.time_since_epoch());
    const auto whole = floor<seconds>(since_epoch);
    const auto seconds_1900 =
        static_cast<std::uint32_t>(whole.count() + dialogue_text::seconds_from_1900_to_1970);
    const auto fraction = static_cast<std::uint32_t>(
        (static_cast<std::uint64_t>((since_epoch - whole).count()) << 32U) / 1'000'000'000U);
    std::string bytes;
    dialogue_text::append_big_endian(bytes, seconds_1900, 4);
    dialogue_text::append_big_endian(bytes, fraction, 4);
    return bytes;
}

nanoseconds instant_at(std::string_view bytes, std::size_t at)
{
    const sys_seconds whole = dialogue_text::instant_of_1900_seconds(u32_of(bytes, at));
    const std::uint64_t fraction = u32_of(bytes, at + 4);
    return whole.time_since_epoch() + nanoseconds((fraction * 1'000'000'000U) >> 32U);
}

std::string seconds_text(nanoseconds duration, bool sign)
{
    char text[40];
    std::snprintf(text, sizeof text, sign ? "%+.6f s" : "%.6f s",
                  static_cast<double>(duration.count()) / 1e9);
    return text;
}

// The reference ID (7.3): four ASCII characters at stratum 0 (a kiss code) and 1 (a source such
// as GPS), an IPv4 address or the hash of one above.
std::string reference_text(std::string_view packet, unsigned stratum)
{
    const std::string_view id = packet.substr(reference_at, 4);
    if (stratum <= 1) {
        std::string text;
        for (const char byte : id)
            if (byte >= 0x21 && byte <= 0x7E)
                text += byte;
        return text;
    }
    return std::to_string(byte_of(id, 0)) + '.' + std::to_string(byte_of(id, 1)) + '.' +
           std::to_string(byte_of(id, 2)) + '.' + std::to_string(byte_of(id, 3));
}

// RFC 5905: a client packet (mode 3, version 4) whose transmit timestamp is the local clock. The
// server's reply is mode 4 and carries that timestamp back as its origin. Passed when it does
// and the server is synchronized (stratum 1 to 15, leap indicator not 3); the answer is the
// stratum and the offset of the server's clock from the local one (8: ((T2-T1)+(T3-T4))/2),
// the detail its reference and the round-trip delay. Stratum 0 is a kiss-o'-death (7.4).
class NtpDialogue final : public Dialogue
{
public:
    std::string request() override
    {
        std::string packet(packet_size, '\0');
        packet[0] = static_cast<char>((4U << 3U) | 3U); // LI 0, VN 4, mode 3
        transmit_ = timestamp_bytes(system_clock::now());
        packet.replace(transmit_at, 8, transmit_);
        return packet;
    }
    bool complete(std::string_view received) const override { return !received.empty(); }
    Judgement judge(const Reception& reception) const override
    {
        const std::string_view packet = reception.bytes;
        if (packet.size() < packet_size)
            return {false, std::string(packet),
                    "not an NTP packet: " + std::to_string(packet.size()) + " bytes"};
        const unsigned leap = byte_of(packet, 0) >> 6U;
        const unsigned mode = byte_of(packet, 0) & 7U;
        const unsigned stratum = byte_of(packet, 1);
        if (mode != server_mode || packet.substr(origin_at, 8) != transmit_)
            return {false, "mode " + std::to_string(mode),
                    "not a server's reply to this request (mode 4, the request's time as origin)"};
        if (stratum == 0)
            return {false, "kiss code " + reference_text(packet, stratum),
                    "kiss-o'-death: the server refuses"};
        const nanoseconds t1 = instant_at(transmit_, 0);
        const nanoseconds t2 = instant_at(packet, receive_at);
        const nanoseconds t3 = instant_at(packet, transmit_at);
        const nanoseconds t4 = duration_cast<nanoseconds>(reception.received_at.time_since_epoch());
        const nanoseconds offset = ((t2 - t1) + (t3 - t4)) / 2;
        const nanoseconds delay = (t4 - t1) - (t3 - t2);
        std::string answer = "stratum " + std::to_string(stratum) + ", offset " + seconds_text(offset, true);
        std::string detail =
            "reference " + reference_text(packet, stratum) + ", delay " + seconds_text(delay, false);
        if (leap == 3 || stratum >= unsynchronized_stratum)
            return {false, std::move(answer), "not synchronized; " + detail};
        return {true, std::move(answer), std::move(detail)};
    }

private:
    std::string transmit_ = std::string(8, '\0');
};

} // namespace

std::unique_ptr<Dialogue> make_ntp_dialogue()
{
    return std::make_unique<NtpDialogue>();
}

} // namespace portent::probe
