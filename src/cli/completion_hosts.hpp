#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portent::cli {

// The host names of a hosts(5) text (/etc/hosts): every name after each address.
[[nodiscard]] std::vector<std::string> hosts_file_names(std::string_view text);

// The host names of an ssh known_hosts text, as ssh's own completion offers them: the names of
// the first field (after a @cert-authority or @revoked marker), "[host]:port" as host; hashed
// entries ("|1|…") and patterns ("*", "?", "!") are skipped.
[[nodiscard]] std::vector<std::string> known_hosts_names(std::string_view text);

// The names of /etc/hosts and of ~/.ssh/known_hosts where they can be read, sorted, each once.
[[nodiscard]] std::vector<std::string> completion_hosts();

} // namespace portent::cli
