#pragma once

// What the libFuzzer harnesses share: a check that turns a broken property into a crash, which
// libFuzzer reports and keeps as a finding, and the input as text.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace portent::fuzz {

// Aborts, saying what did not hold and showing `detail`, when `holds` is false.
inline void require(bool holds, std::string_view what, const std::string& detail = "")
{
    if (holds)
        return;
    std::fprintf(stderr, "portent fuzz: %.*s\n%s\n", static_cast<int>(what.size()), what.data(),
                 detail.c_str());
    std::abort();
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

} // namespace portent::fuzz
