#pragma once

#include "cli/command.hpp"
#include "services/parse.hpp"

#include <iosfwd>
#include <span>
#include <string>

namespace portent::cli {

// A problem lint found, with the name of the source it is in.
struct Finding
{
    std::string source;
    services::Diagnostic diagnostic;
};

// The findings as "SOURCE:LINE: message" lines (made visible), or as one JSON array of objects
// (source, line, message).
void write_findings(std::ostream& out, std::span<const Finding> findings, OutputFormat format);

} // namespace portent::cli
