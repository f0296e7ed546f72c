#pragma once

#include "local/socket.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// /proc/net/{tcp,tcp6,udp,udp6}: the kernel's socket tables as text, read when sock_diag is refused.
namespace portent::local::proc_net {

// One line of such a file: "  sl  local_address rem_address   st … uid  timeout inode …"
// with addresses as the kernel prints them (each 32-bit word in hexadecimal, in the machine's
// byte order) and ports in hexadecimal. Nullopt for the header line and for a line that does
// not read as a socket. The family is the address's length (8 or 32 digits).
[[nodiscard]] std::optional<Socket> parse_line(std::string_view line, Protocol protocol);

// Every socket of a file's text whose state is in `states`.
void parse_table(std::string_view text, Protocol protocol, StateMask states, std::vector<Socket>& sockets);

// The file of a protocol and family under `proc` ("/proc/net/tcp6").
[[nodiscard]] std::string table_path(Protocol protocol, bool ipv6, const std::string& proc = "/proc");

} // namespace portent::local::proc_net
