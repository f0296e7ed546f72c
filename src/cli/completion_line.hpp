#pragma once

// Inside completion: what the words of a command line before the cursor say.

#include "cli/command.hpp"

#include <boost/program_options/options_description.hpp>

#include <span>
#include <string>
#include <vector>

namespace portent::cli {

// What the words before the one being completed say.
struct Line
{
    GlobalOptions global; // --db, --db-format and -p/--proto given so far
    const Command* command = nullptr;
    std::size_t positionals = 0;                                          // arguments after the command name
    const boost::program_options::option_description* awaiting = nullptr; // the option whose value comes next
    bool options_ended = false;                                           // after "--"
};

// A positional argument in a command's usage: QUERY, HOST, FILE, … or choices "bash|zsh|fish".
struct Positional
{
    std::string name;
    bool repeats = false;
};

// The option named by `key` ("db", or "-p" for a short one) among every command's options.
[[nodiscard]] const boost::program_options::option_description*
find_option(const boost::program_options::options_description& global, const std::string& key);

[[nodiscard]] bool takes_value(const boost::program_options::option_description& option);

// The words before the one being completed, read as the program would read them.
[[nodiscard]] Line read_line(std::span<const std::string> words,
                             const boost::program_options::options_description& global);

// The positional arguments of a command's usage line, "[--top N]" and "[OPTIONS]" left out.
[[nodiscard]] std::vector<Positional> positionals_of(const Command& command);

} // namespace portent::cli
