#include "probe/duration.hpp"

#include "util/ascii.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace portent::probe {

namespace {

using namespace std::chrono_literals;

struct Unit
{
    std::string_view suffix;
    std::chrono::nanoseconds length;
};

// Every unit parse_duration() takes; the last, no unit at all, is seconds.
constexpr std::array units = {Unit{"us", 1us}, Unit{"ms", 1ms}, Unit{"s", 1s},
                              Unit{"m", 1min}, Unit{"h", 1h},   Unit{"", 1s}};

constexpr std::chrono::nanoseconds longest = 24h;

} // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text, std::string* why)
{
    const auto refuse = [why](std::string reason) -> std::optional<std::chrono::nanoseconds> {
        if (why)
            *why = std::move(reason);
        return std::nullopt;
    };
    const auto not_a_duration = [&] { return refuse("is not a duration: " + duration_syntax()); };
    const bool negative = text.starts_with('-');
    if (negative)
        text.remove_prefix(1);
    std::size_t number_end = 0;
    while (number_end < text.size() && (util::is_digit(text[number_end]) || text[number_end] == '.'))
        ++number_end;
    const std::string_view number = text.substr(0, number_end);
    const std::string_view suffix = text.substr(number_end);
    const std::size_t point = number.find('.');
    const std::string_view whole = number.substr(0, point);
    const std::string_view fraction = point == std::string_view::npos ? "" : number.substr(point + 1);
    if (whole.empty() || fraction.find('.') != std::string_view::npos ||
        (point != std::string_view::npos && fraction.empty()))
        return not_a_duration();

    const Unit* unit = nullptr;
    for (const Unit& candidate : units)
        if (candidate.suffix == suffix)
            unit = &candidate;
    if (!unit)
        return not_a_duration();
    const bool zero = whole.find_first_not_of('0') == std::string_view::npos &&
                      fraction.find_first_not_of('0') == std::string_view::npos;
    if (negative || zero)
        return refuse("must be positive");
    if (whole.size() > 9)
        return refuse("must be at most 24h");

    std::int64_t whole_value = 0;
    for (const char digit : whole)
        whole_value = whole_value * 10 + (digit - '0');
    // The fraction in units of 10^-9, digits past the ninth ignored.
    std::int64_t billionths = 0;
    for (std::size_t i = 0; i < 9; ++i)
        billionths = billionths * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);

    if (whole_value > longest / unit->length)
        return refuse("must be at most 24h");
    const auto fraction_length = static_cast<std::int64_t>(static_cast<long double>(unit->length.count()) *
                                                           static_cast<long double>(billionths) / 1e9L);
    const std::chrono::nanoseconds duration =
        whole_value * unit->length + std::chrono::nanoseconds(fraction_length);
    if (duration <= 0ns)
        return refuse("must be at least 1ns");
    if (duration > longest)
        return refuse("must be at most 24h");
    return duration;
}

std::string duration_syntax()
{
    std::string text = "a number and a unit: ";
    for (std::size_t i = 0; i + 1 < units.size(); ++i) {
        text += units[i].suffix;
        text += i + 3 < units.size() ? ", " : i + 2 < units.size() ? " or " : "";
    }
    return text + " (a bare number is seconds)";
}

} // namespace portent::probe
