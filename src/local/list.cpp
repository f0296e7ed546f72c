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

// Reads one protocol and family at a time: through netlink while it answers, from /proc/net for
// what it refuses (unless netlink alone was asked for), noting what was read instead.
class Reader
{
public:
    explicit Reader(const ListRequest& request) : request_(request)
    {
        if (request.source == Source::proc_net)
            return;
        try {
            connection_.emplace();
        } catch (const netlink::DumpError& error) {
            refused(error);
        }
    }

    void read(Protocol protocol, bool ipv6, StateMask states, std::vector<Socket>& sockets)
    {
        if (connection_) {
            const std::size_t before = sockets.size();
            try {
                connection_->dump(protocol, ipv6, states, sockets);
                return;
            } catch (const netlink::DumpError& error) {
                sockets.resize(before);
                refused(error);
            }
        }
        const std::string path = proc_net::table_path(protocol, ipv6, request_.proc);
        read_proc_net(path, protocol, states, sockets);
        if (request_.source == Source::automatic)
            fallback_files_ += (fallback_files_.empty() ? "" : ", ") + path;
    }

    [[nodiscard]] std::string note() const
    {
        return fallback_files_.empty() ? std::string() : refusal_ + "; read " + fallback_files_ + " instead";
    }

private:
    void refused(const netlink::DumpError& error)
    {
        if (request_.source == Source::netlink)
            throw error;
        if (refusal_.empty())
            refusal_ = error.what();
    }

    const ListRequest& request_;
    std::optional<netlink::Connection> connection_;
    std::string refusal_; // the first thing netlink refused
    std::string fallback_files_;
};

} // namespace

Listing list_sockets(const ListRequest& request)
{
    Listing listing;
    Reader reader(request);
    for (const Protocol protocol : {Protocol::tcp, Protocol::udp}) {
        if ((protocol == Protocol::tcp && !request.tcp) || (protocol == Protocol::udp && !request.udp))
            continue;
        const StateMask states =
            listening_states(protocol) | (request.connected ? connected_states(protocol) : 0);
        for (const bool ipv6 : {false, true})
            reader.read(protocol, ipv6, states, listing.sockets);
    }
    listing.note = reader.note();
    return listing;
}

} // namespace portent::local
