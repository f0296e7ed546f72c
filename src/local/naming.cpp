#include "local/naming.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

namespace portent::local {

const services::Entry* service_for(const services::Table& table, std::uint16_t port, Protocol protocol)
{
    for (const std::uint32_t index : table.find_by_port(port, to_string(protocol)))
        if (!table.entry(index).name().empty())
            return &table.entry(index);
    return nullptr;
}

std::vector<NamedSocket> name_sockets(std::vector<Socket> sockets, const services::Table& table)
{
    std::set<std::pair<Protocol, std::uint16_t>> listening;
    for (const Socket& socket : sockets)
        if (mask_of(socket.state) & listening_states(socket.protocol))
            listening.emplace(socket.protocol, socket.local.port);
    std::vector<NamedSocket> named;
    named.reserve(sockets.size());
    for (Socket& socket : sockets) {
        const bool listener = (mask_of(socket.state) & listening_states(socket.protocol)) != 0;
        const std::uint16_t port = listener || listening.contains({socket.protocol, socket.local.port})
                                       ? socket.local.port
                                       : socket.remote.port;
        const services::Entry* service = service_for(table, port, socket.protocol);
        named.push_back({std::move(socket), port, service});
    }
    std::ranges::sort(named, {}, [](const NamedSocket& entry) {
        const Socket& socket = entry.socket;
        const bool listener = (mask_of(socket.state) & listening_states(socket.protocol)) != 0;
        const bool outgoing = entry.service_port != socket.local.port;
        return std::tuple(entry.service_port, socket.protocol, !listener, outgoing, socket.ipv6,
                          socket.local.address, socket.local.port, socket.remote.address, socket.remote.port);
    });
    return named;
}

PortQuery::PortQuery(const services::Query& query, const services::Table& table)
{
    const services::ProtocolFilter filter =
        query.protocol ? services::ProtocolFilter(*query.protocol) : std::nullopt;
    const bool by_name =
        query.kind == services::Query::Kind::name ||
        (query.kind == services::Query::Kind::range && !table.find_by_name(query.name, filter).empty());
    if (!by_name) {
        spans_.push_back({query.port_first, query.port_last, query.protocol});
        return;
    }
    for (const std::uint32_t index : table.find_by_name(query.name, filter)) {
        const services::Entry& entry = table.entry(index);
        if (entry.has_port())
            spans_.push_back({entry.port_first(), entry.port_last(), std::string(entry.protocol())});
    }
}

bool PortQuery::matches(std::uint16_t port, Protocol protocol) const
{
    return std::ranges::any_of(spans_, [&](const Span& span) {
        return span.first <= port && port <= span.last &&
               (!span.protocol || *span.protocol == to_string(protocol));
    });
}

} // namespace portent::local
