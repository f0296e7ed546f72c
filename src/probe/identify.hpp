#pragma once

#include <optional>
#include <string>

// What `probe --identify` found answering on a port. No Asio here: the CLI includes it through
// result.hpp.
namespace portent::probe {

struct Identification
{
    std::optional<std::string> service; // the protocol that answered ("ssh", "http", …); nullopt: unknown
    std::string product;                // what the answer names itself ("OpenSSH", "nginx"), or ""
    std::string version;                // the product's version as stated ("9.2p1"), or ""
    std::string evidence;               // the rule that matched, or why none did
};

} // namespace portent::probe
