#pragma once

#include <string_view>

namespace portent::cli {

// The completion scripts of completions/, compiled in for `portent completion SHELL`.
[[nodiscard]] std::string_view bash_completion_script();
[[nodiscard]] std::string_view zsh_completion_script();
[[nodiscard]] std::string_view fish_completion_script();

} // namespace portent::cli
