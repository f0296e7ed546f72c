#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace portent::services {

// A name (or alias) with its protocol: what getservbyname(3) looks up, as a hash key.
struct NameAndProtocol
{
    std::string_view name;
    std::string_view protocol;
    bool operator==(const NameAndProtocol&) const = default;
};

struct NameAndProtocolHash
{
    std::size_t operator()(const NameAndProtocol& key) const
    {
        const std::hash<std::string_view> hash;
        return hash(key.name) * 31 + hash(key.protocol);
    }
};

} // namespace portent::services
