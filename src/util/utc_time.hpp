#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace portent::util {

// An instant as "YYYY-MM-DD<between>hh:mm:ss<after>" in UTC: `between` ' ' and `after` " UTC"
// for people, 'T' and "Z" for ISO 8601 (JSON).
[[nodiscard]] inline std::string utc_time_text(std::chrono::sys_seconds instant, char between,
                                               const char* after)
{
    using namespace std::chrono;
    const sys_days day = floor<days>(instant);
    const year_month_day date{day};
    const hh_mm_ss time{instant - day};
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u%c%02d:%02d:%02d%s", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), between,
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), after);
    return text;
}

} // namespace portent::util
