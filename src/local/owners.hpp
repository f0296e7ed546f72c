#pragma once

#include "local/socket.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// The processes that hold sockets open, found through /proc/PID/fd, as ss -p finds them.
namespace portent::local {

// The inode of a /proc/PID/fd link's text "socket:[12345]"; nullopt for any other text.
[[nodiscard]] std::optional<std::uint64_t> socket_inode(std::string_view link);

// The effective uid in the text of /proc/PID/status (the second number of its "Uid:" line).
[[nodiscard]] std::optional<std::uint32_t> effective_uid(std::string_view status);

// Fills each socket's owners from `proc`/*/fd. Processes the caller may not look into (another
// user's, as non-root) and processes that end meanwhile are passed over, as ss passes them over.
void find_owners(std::span<Socket* const> sockets, const std::string& proc = "/proc");

// The user name of a uid (getpwuid_r), remembered for the next call; nullopt when none.
// References stay valid as long as the object.
class UserNames
{
public:
    [[nodiscard]] const std::optional<std::string>& name(std::uint32_t uid);

private:
    std::unordered_map<std::uint32_t, std::optional<std::string>> known_;
};

} // namespace portent::local
