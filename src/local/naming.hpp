#pragma once

#include "local/socket.hpp"
#include "services/query.hpp"
#include "services/table.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Sockets named from a services table, and the QUERY filters of `portent local`.
namespace portent::local {

// The entry the database gives a port and protocol: the first in file order that has a name
// (the IANA registry lists unassigned ports without one), a range that holds the port included;
// nullptr when there is none.
[[nodiscard]] const services::Entry* service_for(const services::Table& table, std::uint16_t port,
                                                 Protocol protocol);

struct NamedSocket
{
    Socket socket;
    // The port the service is named for: the socket's own, unless it is a connection that no
    // local listener of its port accepted (an outgoing one), which is named for the remote port.
    std::uint16_t service_port = 0;
    const services::Entry* service = nullptr; // nullptr: unregistered
};

// Names each socket and puts them in order: by service port, protocol, listening sockets, then
// the connections they accepted, then outgoing ones, each by local address (IPv4 first), local
// port and remote end.
[[nodiscard]] std::vector<NamedSocket> name_sockets(std::vector<Socket> sockets,
                                                    const services::Table& table);

// The ports a QUERY stands for: a name's ports in the database (with their protocols), a port,
// a range LO-HI (a service of that very name first, as in lookup); /PROTO narrows each.
class PortQuery
{
public:
    PortQuery(const services::Query& query, const services::Table& table);

    // False for a name that the database does not have: it stands for no port.
    [[nodiscard]] bool names_ports() const { return !spans_.empty(); }
    [[nodiscard]] bool matches(std::uint16_t port, Protocol protocol) const;

private:
    struct Span
    {
        std::uint16_t first = 0;
        std::uint16_t last = 0;
        std::optional<std::string> protocol; // nullopt: any
    };
    std::vector<Span> spans_;
};

} // namespace portent::local
