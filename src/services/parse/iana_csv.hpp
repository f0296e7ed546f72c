#pragma once

#include <cstddef>

namespace portent::services::parsing {

// The columns of a row of the IANA registry CSV.
inline constexpr std::size_t iana_columns = 12;

} // namespace portent::services::parsing
