#include "local/list.hpp"

#include "local/netlink.hpp"
#include "local/proc_net.hpp"
#include "services/source.hpp"

#include <cerrno>
#include <optional>
#include <unistd.h>

namespace portent::local {

namespace {

void read_proc_net(const std::string& path, Protocol protocol, StateMask states, std::vector<Socket>& sockets)
{
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT)
        return;
    proc_net::parse_table(services::read_file(path), protocol, states, sockets);
}

} // namespace

Listing list_sockets(const ListRequest& request)
{
    Listing listing;
    std::optional<netlink::Connection> connection;
    std::string refusal; // the first thing netlink refused
    std::string fallback_files;
    if (request.source != Source::proc_net) {
        try {
            connection.emplace();
        } catch (const netlink::DumpError& error) {
            if (request.source == Source::netlink)
                throw;
            refusal = error.what();
        }
    }
    for (const Protocol protocol : {Protocol::tcp, Protocol::udp}) {
        if ((protocol == Protocol::tcp && !request.tcp) || (protocol == Protocol::udp && !request.udp))
            continue;
        const StateMask states =
            listening_states(protocol) | (request.connected ? connected_states(protocol) : 0);
        for (const bool ipv6 : {false, true}) {
            if (connection) {
                const std::size_t before = listing.sockets.size();
                try {
                    connection->dump(protocol, ipv6, states, listing.sockets);
                    continue;
                } catch (const netlink::DumpError& error) {
                    if (request.source == Source::netlink)
                        throw;
                    listing.sockets.resize(before);
                    if (refusal.empty())
                        refusal = error.what();
                }
            }
            const std::string path = proc_net::table_path(protocol, ipv6, request.proc);
            read_proc_net(path, protocol, states, listing.sockets);
            if (request.source == Source::automatic)
                fallback_files += (fallback_files.empty() ? "" : ", ") + path;
        }
    }
    if (!fallback_files.empty())
        listing.note = refusal + "; read " + fallback_files + " instead";
    return listing;
}

} // namespace portent::local
