#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace portent::probe {

// A duration as written on a command line: a decimal number and a unit (see duration_syntax()):
// "500us", "500ms", "2s", "1.5s", "2m", "1h"; a bare number is seconds. nullopt when the text
// is anything else, when the duration is not positive or when it is longer than a day; `why`,
// when given, then says which: "is not a duration: …", "must be positive", "must be at most 24h".
[[nodiscard]] std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text,
                                                                     std::string* why = nullptr);

// Every form parse_duration() takes, for help and messages: "a number and a unit: us, ms, s, m
// or h (a bare number is seconds)". Built from the table of units that parse_duration() reads.
[[nodiscard]] std::string duration_syntax();

// Durations to show as examples of what parse_duration() takes.
inline constexpr std::array<std::string_view, 5> duration_examples = {"500ms", "1s", "1.5s", "2s", "10s"};

} // namespace portent::probe
