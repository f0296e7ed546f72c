#pragma once

namespace portent::cli {

// The whole program: parses the command line, runs the command, turns every error into one
// line on stderr. Returns the exit code (0, 1 or 2; see exit_code).
int run(int argc, char** argv);

} // namespace portent::cli
