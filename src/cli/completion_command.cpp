#include "cli/command.hpp"
#include "cli/completion_scripts.hpp"

#include <array>
#include <ostream>

namespace portent::cli {

namespace {

struct Script
{
    std::string_view shell;
    std::string_view (*text)();
};

constexpr std::array scripts = {Script{"bash", bash_completion_script}, Script{"zsh", zsh_completion_script},
                                Script{"fish", fish_completion_script}};

int run_completion(Context& context)
{
    if (context.arguments.size() == 1)
        for (const Script& script : scripts)
            if (script.shell == context.arguments.front()) {
                context.out << script.text();
                return exit_code::ok;
            }
    throw UsageError("completion: name one shell: " + std::string(completion_command().usage));
}

std::string shell_names()
{
    std::string names;
    for (const Script& script : scripts)
        names.append(names.empty() ? "" : "|").append(script.shell);
    return names;
}

} // namespace

const Command& completion_command()
{
    static const std::string usage = shell_names();
    static const Command command{
        "completion",
        usage,
        "print the tab-completion script for bash, zsh or fish",
        "Installed packages put the scripts where each shell finds them. Without that, load one\n"
        "from your shell's start-up file:\n"
        "  bash (~/.bashrc):                source <(portent completion bash)\n"
        "  zsh (~/.zshrc, after compinit):  source <(portent completion zsh)\n"
        "  fish:                            portent completion fish > "
        "~/.config/fish/completions/portent.fish\n",
        {},
        run_completion};
    return command;
}

} // namespace portent::cli
