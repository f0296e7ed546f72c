#pragma once

#include "services/parse.hpp"
#include "services/table.hpp"

#include <vector>

namespace portent::services {

// Every problem in the table's sources: the parse diagnostics (lines glibc rejects or that
// portent refuses, ports glibc reads as octal or hexadecimal, several slashes, NUL bytes); in
// services(5) sources each name or alias that an earlier entry already defines for the same
// protocol (glibc never returns the later one); what glibc reads otherwise than it looks (a
// '#' inside a word, a protocol holding '/' or capitals, \v, \f or \r between fields); and
// every character that drives a terminal or reorders what it shows (first_control in lint.cpp)
// in a name, alias, protocol, comment or description. Sorted by source and line.
[[nodiscard]] std::vector<Diagnostic> lint(const Table& table);

} // namespace portent::services
