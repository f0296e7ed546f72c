// libFuzzer: duration parsing (--timeout and the like) on any text. A duration taken is positive
// and at most a day; one refused says why; asking why changes nothing.
#include "fuzz_check.hpp"
#include "probe/duration.hpp"

#include <chrono>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text = portent::fuzz::text_of(data, size);
    std::string why;
    const std::optional<std::chrono::nanoseconds> duration = portent::probe::parse_duration(text, &why);
    const std::optional<std::chrono::nanoseconds> again = portent::probe::parse_duration(text);
    portent::fuzz::require(duration == again, "asking why changes the duration", std::string(text));
    if (duration) {
        portent::fuzz::require(duration->count() > 0, "a duration taken is not positive", std::string(text));
        portent::fuzz::require(*duration <= std::chrono::hours(24), "a duration taken is longer than a day",
                               std::string(text));
    } else {
        portent::fuzz::require(!why.empty(), "a duration refused without a reason", std::string(text));
    }
    return 0;
}
