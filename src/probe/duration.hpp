#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace portent::probe {

// A duration as written on a command line: a decimal number and a unit, us, ms, s, m or h
// ("500ms", "2s", "1.5s"); a bare number is seconds. nullopt when the text is anything else,
// or the duration is zero or longer than a day.
[[nodiscard]] std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

} // namespace portent::probe
