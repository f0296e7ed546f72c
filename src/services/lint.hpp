#pragma once

#include "services/parse.hpp"
#include "services/table.hpp"

#include <vector>

namespace portent::services {

// Every problem in the table's sources: the parse diagnostics, and in services(5) sources each
// name or alias that an earlier entry already defines for the same protocol (glibc never
// returns the later one).
// Sorted by source and line.
[[nodiscard]] std::vector<Diagnostic> lint(const Table& table);

} // namespace portent::services
