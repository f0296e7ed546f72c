#pragma once

#include "cli/command.hpp"
#include "services/table.hpp"

#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace portent::cli {

struct Candidate
{
    std::string word;
    std::string description; // one line, made visible; may be empty
};

struct Completion
{
    std::vector<Candidate> candidates;
    bool files = false; // file names complete the word too (its part after '=' when it has one)
};

// What the candidates come from beyond the program's own definitions.
struct CompletionSources
{
    // The active database as the options read so far name it, or a table that answers as it
    // would for the names that start with `prefix` (names_with_prefix(), find_by_name()); with
    // an empty prefix, the whole of it.
    std::function<services::Table(const GlobalOptions&, std::string_view prefix)> table;
    // Host names to offer for a probe's HOST.
    std::function<std::vector<std::string>()> hosts;
};

// The candidates for the last of `words`, the command line after "portent" up to the cursor
// (the last word is the one being completed, possibly empty). Commands, options and option
// values come from the commands' own definitions (commands(), global_options(), each command's
// options, usage and formats), service names from the database, hosts from `sources`.
[[nodiscard]] Completion complete(std::span<const std::string> words, const CompletionSources& sources);

// What `portent __complete` prints (see ARCHITECTURE.md): a line of directives, ":" followed by
// "files" when file names complete the word too, then a line per candidate: the word, and a tab
// and its description when it has one.
void write_completion(std::ostream& out, const Completion& completion);

// `portent __complete WORD...`: writes the completion of the words from the active database
// and this machine's host names; an error (an unreadable --db) is an empty completion.
int run_complete(std::span<const std::string> words);

} // namespace portent::cli
