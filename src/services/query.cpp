#include "services/query.hpp"

#include <algorithm>
#include <charconv>

namespace portent::services {

namespace {

// The whole text as a port number: digits only, at most 65535.
std::optional<std::uint16_t> read_port(std::string_view text)
{
    std::uint32_t value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || text.front() < '0' || text.front() > '9' || error != std::errc() || stop != end ||
        value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

} // namespace

Query parse_query(std::string_view text)
{
    Query query;
    if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
        query.protocol = std::string(text.substr(slash + 1));
        text = text.substr(0, slash);
    }
    if (auto port = read_port(text)) {
        query.kind = Query::Kind::port;
        query.port_first = query.port_last = *port;
        return query;
    }
    if (const std::size_t dash = text.find('-'); dash != std::string_view::npos) {
        auto first = read_port(text.substr(0, dash));
        auto last = read_port(text.substr(dash + 1));
        if (first && last && *first <= *last) {
            query.kind = Query::Kind::range;
            query.name = std::string(text);
            query.port_first = *first;
            query.port_last = *last;
            return query;
        }
    }
    query.name = std::string(text);
    return query;
}

std::vector<std::uint32_t> Query::find_in(const Table& table) const
{
    const ProtocolFilter filter = protocol ? ProtocolFilter(*protocol) : std::nullopt;
    switch (kind) {
    case Kind::port: return table.find_by_port(port_first, filter);
    case Kind::range:
        if (auto named = table.find_by_name(name, filter); !named.empty())
            return named;
        return table.find_in_range(port_first, port_last, filter);
    case Kind::name: break;
    }
    return table.find_by_name(name, filter);
}

std::optional<std::uint32_t> Query::first_in(const Table& table) const
{
    const ProtocolFilter filter = protocol ? ProtocolFilter(*protocol) : std::nullopt;
    switch (kind) {
    case Kind::port: return table.first_by_port(port_first, filter);
    case Kind::range:
        if (auto named = table.first_by_name(name, filter))
            return named;
        if (auto found = table.find_in_range(port_first, port_last, filter); !found.empty())
            return found.front();
        return std::nullopt;
    case Kind::name: break;
    }
    return table.first_by_name(name, filter);
}

bool Query::matches(const Entry& entry) const
{
    if (protocol && entry.protocol != *protocol)
        return false;
    switch (kind) {
    case Kind::port: return entry.has_port && entry.port_first <= port_first && port_first <= entry.port_last;
    case Kind::range: return false;
    case Kind::name: break;
    }
    return (!entry.name.empty() && entry.name == name) ||
           std::ranges::any_of(entry.aliases, [&](std::string_view alias) { return alias == name; });
}

} // namespace portent::services
