#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"
#include "util/utc_time.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace portent::probe {

namespace {

using namespace std::chrono;

// The most a time server's clock may differ from the local one and still pass: a day, so that
// a clock set to the wrong time zone passes with its offset shown, and bytes that are not a
// time (1970, 2074, …) fail.
constexpr std::chrono::seconds plausible_clock_offset = std::chrono::hours(24);

// The server's clock minus the local one, in whole seconds; the server's count is truncated
// to the second, so half a second is added before rounding.
long long offset_seconds(sys_seconds server, system_clock::time_point local)
{
    const auto difference = duration_cast<milliseconds>(server + milliseconds(500) - local);
    return std::llround(static_cast<double>(difference.count()) / 1000.0);
}

std::string offset_text(long long seconds)
{
    return "offset from the local clock: " + std::string(seconds > 0 ? "+" : "") + std::to_string(seconds) +
           " s";
}

// RFC 868: the server sends 4 bytes, the seconds since 1900 in network order, on connection
// (TCP) or in answer to any datagram (UDP). Passed when exactly 4 bytes came and they tell a
// time within plausible_clock_offset of the local clock; the answer is that time in UTC and
// the detail its offset, passed or not.
class TimeDialogue final : public Dialogue
{
public:
    std::string request() override { return ""; }
    bool complete(std::string_view received) const override { return received.size() >= 4; }
    Judgement judge(const Reception& reception) const override
    {
        const std::string_view bytes = reception.bytes;
        if (bytes.size() != 4) {
            std::string reason = bytes.size() < 4 ? dialogue_text::unfinished(reception.end) : "";
            if (reason.empty())
                reason = "expected 4 bytes, received " + std::to_string(bytes.size());
            return {false, std::string(bytes), reason};
        }
        const auto count = static_cast<std::uint32_t>(dialogue_text::big_endian(bytes));
        const sys_seconds server = dialogue_text::instant_of_1900_seconds(count);
        const long long offset = offset_seconds(server, reception.received_at);
        if (std::llabs(offset) > plausible_clock_offset.count())
            return {false, util::utc_time_text(server, ' ', " UTC"),
                    offset_text(offset) + ", more than a day: not a plausible time"};
        return {true, util::utc_time_text(server, ' ', " UTC"), offset_text(offset)};
    }
};

} // namespace

namespace dialogue_text {

sys_seconds instant_of_1900_seconds(std::uint32_t seconds_since_1900)
{
    std::int64_t seconds = seconds_since_1900;
    if (seconds < seconds_from_1900_to_1970)
        seconds += std::int64_t{1} << 32;
    return sys_seconds{std::chrono::seconds{seconds - seconds_from_1900_to_1970}};
}

} // namespace dialogue_text

std::unique_ptr<Dialogue> make_time_dialogue()
{
    return std::make_unique<TimeDialogue>();
}

} // namespace portent::probe
