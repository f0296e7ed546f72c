// `portent __complete WORD...`: the candidates the shell completion scripts show (see
// completion.hpp and ARCHITECTURE.md). Hidden from the command list: the scripts call it.
#include "cli/completion.hpp"
#include "cli/completion_hosts.hpp"
#include "services/prefix_scan.hpp"
#include "services/source.hpp"

#include <iostream>

namespace portent::cli {

namespace {

// The active database, or only its lines with names that start with `prefix` where a scan can
// tell them (services::load_prefix_matches()): completing "ht" over nmap-services parses a few lines.
services::Table completion_table(const GlobalOptions& global, std::string_view prefix)
{
    if (std::optional<services::Table> matches =
            services::load_prefix_matches(global.databases, global.db_format, prefix))
        return std::move(*matches);
    return services::load_database(global.databases, global.db_format);
}

} // namespace

int run_complete(std::span<const std::string> words)
{
    Completion completion;
    try {
        completion = complete(words, {completion_table, completion_hosts});
    } catch (const std::exception&) {
        // An unreadable --db, say: nothing to offer, and nothing to say on the terminal while
        // the user types.
        completion = {};
    }
    write_completion(std::cout, completion);
    return exit_code::ok;
}

} // namespace portent::cli
