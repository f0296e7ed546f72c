#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

namespace portent::probe {

// A duration as written on a command line: a decimal number and a unit, us, ms, s, m or h
// ("500ms", "2s", "1.5s"); a bare number is seconds. nullopt when the text is anything else,
// or the duration is zero or longer than a day.
[[nodiscard]] std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// Durations to show as examples of what parse_duration() takes.
inline constexpr std::array<std::string_view, 5> duration_examples = {"500ms", "1s", "1.5s", "2s", "10s"};

} // namespace portent::probe
