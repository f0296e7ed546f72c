#include "cli/completion_line.hpp"

#include "services/parse.hpp"

#include <algorithm>
#include <cstdlib>

namespace po = boost::program_options;

namespace portent::cli {

const po::option_description* find_option(const po::options_description& global, const std::string& key)
{
    if (const auto* option = global.find_nothrow(key, false))
        return option;
    for (const Command* command : commands())
        if (const auto* option = command->options.find_nothrow(key, false))
            return option;
    return nullptr;
}

bool takes_value(const po::option_description& option)
{
    return option.semantic()->max_tokens() > 0;
}

namespace {

// A path as the shell would have expanded it: a leading "~/" is $HOME.
std::string expand_home(const std::string& path)
{
    const char* home = std::getenv("HOME");
    return path.starts_with("~/") && home != nullptr ? home + path.substr(1) : path;
}

void record(Line& line, const po::option_description& option, const std::string& value)
{
    const std::string& name = option.long_name();
    if (name == "db")
        line.global.databases.push_back(expand_home(value));
    else if (name == "db-format")
        line.global.db_format = services::format_from_string(value);
    else if (name == "proto")
        line.global.protocol = value;
}

const Command* find_command(std::string_view name)
{
    const auto list = commands();
    const auto found = std::ranges::find(list, name, &Command::name);
    return found == list.end() ? nullptr : *found;
}

} // namespace

Line read_line(std::span<const std::string> words, const po::options_description& global)
{
    Line line;
    for (const std::string& word : words) {
        if (line.awaiting != nullptr) {
            record(line, *std::exchange(line.awaiting, nullptr), word);
        } else if (!line.options_ended && word == "--") {
            line.options_ended = true;
        } else if (!line.options_ended && word.size() > 1 && word[0] == '-') {
            const bool long_form = word.starts_with("--");
            const std::size_t equals = word.find('=');
            const auto* option =
                find_option(global, long_form ? word.substr(2, equals - 2) : word.substr(0, 2));
            if (option == nullptr || !takes_value(*option))
                continue;
            if (long_form && equals != std::string::npos)
                record(line, *option, word.substr(equals + 1));
            else if (!long_form && word.size() > 2)
                record(line, *option, word.substr(2));
            else
                line.awaiting = option;
        } else if (line.command == nullptr && line.positionals == 0 && find_command(word) != nullptr) {
            line.command = find_command(word);
        } else {
            ++line.positionals;
        }
    }
    return line;
}

std::vector<Positional> positionals_of(const Command& command)
{
    std::string usage(command.usage);
    std::erase_if(usage, [](char c) { return c == '[' || c == ']'; });
    std::vector<Positional> positionals;
    bool option_value = false;
    for (std::size_t start = 0; start < usage.size();) {
        const std::size_t end = std::min(usage.find(' ', start), usage.size());
        std::string token = usage.substr(start, end - start);
        start = end + 1;
        if (token.empty() || token == "OPTIONS" || std::exchange(option_value, false))
            continue;
        if (token.starts_with('-')) {
            const std::size_t name = token.find_first_not_of('-');
            if (name == std::string::npos) // "--", which ends the options
                continue;
            const auto* option = command.options.find_nothrow(token.substr(name), false);
            option_value = option != nullptr && takes_value(*option);
            continue;
        }
        const bool repeats = token.ends_with("...");
        positionals.push_back({repeats ? token.substr(0, token.size() - 3) : token, repeats});
    }
    return positionals;
}

} // namespace portent::cli
