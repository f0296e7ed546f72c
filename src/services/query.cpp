#include "services/query.hpp"

#include "util/ascii.hpp"
#include "util/number.hpp"

#include <algorithm>

namespace portent::services {

namespace {

// The whole text as a port number: digits only, at most 65535.
std::optional<std::uint16_t> read_port(std::string_view text)
{
    const auto value = util::to_number<std::uint32_t>(text);
    if (!value || *value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

bool all_digits(std::string_view text)
{
    return !text.empty() && std::ranges::all_of(text, util::is_digit);
}

// Why digits-digits is not a range: a port over 65535, or the first port above the last.
std::string why_not_a_range(std::string_view low, std::string_view high,
                            const std::optional<std::string>& protocol)
{
    for (std::string_view port : {low, high})
        if (!read_port(port))
            return "port " + std::string(port) + " is over 65535";
    return "its first port is above its last; did you mean " + std::string(high) + "-" + std::string(low) +
           (protocol ? "/" + *protocol : "") + "?";
}

std::vector<std::uint32_t> accepted(const Table& table, std::vector<std::uint32_t> found, EntryFilter accept)
{
    if (accept)
        std::erase_if(found, [&](std::uint32_t index) { return !accept(table.entry(index)); });
    return found;
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
        const std::string_view low = text.substr(0, dash);
        const std::string_view high = text.substr(dash + 1);
        auto first = read_port(low);
        auto last = read_port(high);
        if (first && last && *first <= *last) {
            query.kind = Query::Kind::range;
            query.name = std::string(text);
            query.port_first = *first;
            query.port_last = *last;
            return query;
        }
        if (all_digits(low) && all_digits(high))
            query.not_a_range = why_not_a_range(low, high, query.protocol);
    }
    query.name = std::string(text);
    return query;
}

std::vector<std::uint32_t> Query::find_in(const Table& table, EntryFilter accept) const
{
    const ProtocolFilter filter = protocol ? ProtocolFilter(*protocol) : std::nullopt;
    const PortSpan ports{port_first, port_last};
    switch (kind) {
    case Kind::port:
        return first_source_wins(table, accepted(table, table.find_by_port(port_first, filter), accept),
                                 ports);
    case Kind::range:
        if (auto named = accepted(table, table.find_by_name(name, filter), accept); !named.empty())
            return first_source_wins(table, std::move(named), std::nullopt);
        return first_source_wins(
            table, accepted(table, table.find_in_range(port_first, port_last, filter), accept), ports);
    case Kind::name: break;
    }
    return first_source_wins(table, accepted(table, table.find_by_name(name, filter), accept), std::nullopt);
}

std::optional<std::uint32_t> Query::first_in(const Table& table, EntryFilter accept) const
{
    const ProtocolFilter filter = protocol ? ProtocolFilter(*protocol) : std::nullopt;
    std::optional<std::uint32_t> first;
    switch (kind) {
    case Kind::port: first = table.first_by_port(port_first, filter); break;
    case Kind::range:
        first = table.first_by_name(name, filter);
        if (!first)
            if (auto found = table.find_in_range(port_first, port_last, filter); !found.empty())
                first = found.front();
        break;
    case Kind::name: first = table.first_by_name(name, filter); break;
    }
    if (!first || !accept || accept(table.entry(*first)))
        return first;
    // The first match is not in the view: the first that is (first_source_wins() keeps it).
    const std::vector<std::uint32_t> found = find_in(table, accept);
    return found.empty() ? std::nullopt : std::optional<std::uint32_t>(found.front());
}

bool Query::names(const Entry& entry) const
{
    return (!entry.name().empty() && entry.name() == name) ||
           std::ranges::any_of(entry.aliases(), [&](std::string_view alias) { return alias == name; });
}

PortSpan Query::asked_ports(const Entry& entry) const
{
    if (kind == Kind::name || (kind == Kind::range && names(entry)))
        return {entry.port_first(), entry.port_last()};
    return {std::max(entry.port_first(), port_first), std::min(entry.port_last(), port_last)};
}

bool Query::matches(const Entry& entry) const
{
    if (protocol && entry.protocol() != *protocol)
        return false;
    switch (kind) {
    case Kind::port:
        return entry.has_port() && entry.port_first() <= port_first && port_first <= entry.port_last();
    case Kind::range: return false;
    case Kind::name: break;
    }
    return names(entry);
}

} // namespace portent::services
