#include "probe/duration.hpp"

#include <array>
#include <cstdint>

namespace portent::probe {

namespace {

using namespace std::chrono_literals;

struct Unit
{
    std::string_view suffix;
    std::chrono::nanoseconds length;
};

constexpr std::array units = {Unit{"us", 1us}, Unit{"ms", 1ms}, Unit{"s", 1s},
                              Unit{"m", 1min}, Unit{"h", 1h},   Unit{"", 1s}};

constexpr std::chrono::nanoseconds longest = 24h;

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text)
{
    std::size_t number_end = 0;
    while (number_end < text.size() && (is_digit(text[number_end]) || text[number_end] == '.'))
        ++number_end;
    const std::string_view number = text.substr(0, number_end);
    const std::string_view suffix = text.substr(number_end);
    const std::size_t point = number.find('.');
    const std::string_view whole = number.substr(0, point);
    const std::string_view fraction = point == std::string_view::npos ? "" : number.substr(point + 1);
    if (whole.empty() || fraction.find('.') != std::string_view::npos || whole.size() > 9 ||
        (point != std::string_view::npos && fraction.empty()))
        return std::nullopt;

    const Unit* unit = nullptr;
    for (const Unit& candidate : units)
        if (candidate.suffix == suffix)
            unit = &candidate;
    if (!unit)
        return std::nullopt;

    std::int64_t whole_value = 0;
    for (const char digit : whole)
        whole_value = whole_value * 10 + (digit - '0');
    // The fraction in units of 10^-9, digits past the ninth ignored.
    std::int64_t billionths = 0;
    for (std::size_t i = 0; i < 9; ++i)
        billionths = billionths * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);

    if (whole_value > longest / unit->length)
        return std::nullopt;
    const auto fraction_length = static_cast<std::int64_t>(static_cast<long double>(unit->length.count()) *
                                                           static_cast<long double>(billionths) / 1e9L);
    const std::chrono::nanoseconds duration =
        whole_value * unit->length + std::chrono::nanoseconds(fraction_length);
    if (duration <= 0ns || duration > longest)
        return std::nullopt;
    return duration;
}

} // namespace portent::probe
