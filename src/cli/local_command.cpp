#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/output/sockets.hpp"
#include "local/list.hpp"
#include "local/naming.hpp"
#include "local/owners.hpp"

#include <algorithm>
#include <cstdlib>
#include <ostream>

namespace portent::cli {

namespace {

namespace po = boost::program_options;
using local::NamedSocket;
using local::Socket;

// PORTENT_LOCAL_SOURCE=netlink or =proc reads only that source (for tests of each); unset, sock_diag
// netlink with /proc/net for what it refuses.
local::Source source_from_environment()
{
    const char* value = std::getenv("PORTENT_LOCAL_SOURCE");
    const std::string_view name = value ? value : "";
    if (name.empty())
        return local::Source::automatic;
    if (name == "netlink")
        return local::Source::netlink;
    if (name == "proc")
        return local::Source::proc_net;
    throw UsageError("PORTENT_LOCAL_SOURCE: unknown source '" + std::string(name) + "' (netlink, proc)");
}

std::optional<local::Protocol> protocol_named(std::string_view name)
{
    if (name == "tcp")
        return local::Protocol::tcp;
    if (name == "udp")
        return local::Protocol::udp;
    return std::nullopt;
}

local::ListRequest read_request(const Context& context)
{
    local::ListRequest request;
    request.connected = context.options.count("all") > 0;
    request.source = source_from_environment();
    if (context.global.protocol) {
        const auto only = protocol_named(*context.global.protocol);
        if (!only)
            throw UsageError("-p: only tcp and udp sockets are listed");
        request.tcp = *only == local::Protocol::tcp;
        request.udp = *only == local::Protocol::udp;
    }
    return request;
}

// Keeps the sockets that some query matches; says which queries matched one.
std::vector<bool> keep_matching(std::vector<NamedSocket>& sockets,
                                const std::vector<local::PortQuery>& queries)
{
    std::vector<bool> matched(queries.size(), false);
    if (queries.empty())
        return matched;
    std::erase_if(sockets, [&](const NamedSocket& named) {
        bool keep = false;
        for (std::size_t index = 0; index < queries.size(); ++index)
            if (queries[index].matches(named.service_port, named.socket.protocol))
                keep = matched[index] = true;
        return !keep;
    });
    return matched;
}

int run_local(Context& context)
{
    context.refuse_options("local", {"first"});
    const OutputFormat format = context.output_format();
    const local::ListRequest request = read_request(context);
    const services::Table table = context.load_table();
    std::vector<local::PortQuery> queries;
    for (const std::string& text : context.arguments) {
        const services::Query query = context.query(text);
        if (query.protocol && !protocol_named(*query.protocol))
            throw UsageError(text + ": only tcp and udp sockets are listed");
        queries.emplace_back(query, table);
    }

    local::Listing listing = local::list_sockets(request);
    if (!listing.note.empty())
        print_message(context.err, "note: " + listing.note);
    std::vector<NamedSocket> sockets = local::name_sockets(std::move(listing.sockets), table);
    const std::vector<bool> matched = keep_matching(sockets, queries);
    std::vector<Socket*> shown;
    shown.reserve(sockets.size());
    for (NamedSocket& named : sockets)
        shown.push_back(&named.socket);
    local::find_owners(shown);
    write_sockets(context.out, format, sockets, request.connected, context.table_width);
    context.out.flush();

    bool every_query_matched = true;
    for (std::size_t index = 0; index < queries.size(); ++index) {
        if (matched[index])
            continue;
        every_query_matched = false;
        const std::string& text = context.arguments[index];
        print_message(context.err, queries[index].names_ports()
                                       ? text + ": no local socket"
                                       : text + ": no such service in " + source_names(table));
    }
    return every_query_matched && !sockets.empty() ? exit_code::ok : exit_code::not_found;
}

po::options_description local_options()
{
    po::options_description options("Local options");
    options.add_options()("all,a",
                          "also connected sockets (TCP connections, connected UDP) with their remote end");
    return options;
}

} // namespace

const Command& local_command()
{
    static const Command command{
        "local",
        "[--all] [QUERY...]",
        "what listens on this machine: sockets and their processes, named from the database",
        "Every listening TCP socket and bound UDP socket of this network namespace, IPv4 and IPv6,\n"
        "with the service the database names for its port and protocol (a range that holds the\n"
        "port included; `unregistered` when none), its user, and the processes that hold it open\n"
        "(as non-root only your own; others show `-`, as in ss). The kernel's sock_diag netlink\n"
        "interface tells the sockets (/proc/net/tcp, tcp6, udp, udp6 where netlink is refused),\n"
        "/proc/PID/fd their processes.\n\n"
        "QUERY is as in lookup: `ssh` keeps the ports the database gives ssh, `8000-9000` a range,\n"
        "`53/udp` one port and protocol; -p tcp or -p udp lists one protocol. --all adds the\n"
        "connected sockets; a connection is named for its local port when a local listener\n"
        "accepted it, otherwise for the remote one, and a QUERY matches that port.\n\n"
        "Output: --format table (default), json (one array) or jsonl (one object a line); the\n"
        "fields are protocol, address, port, interface, v6only, state, remote_address,\n"
        "remote_port, name, aliases, comment (the service; null when unregistered), service_port,\n"
        "uid and user (the socket's owner), processes (pid, command, uid, user, fd) and inode.\n"
        "In the table, `*` is an IPv6 wildcard that takes IPv4 too, `[::]` one that does not.\n\n"
        "Exit status: 0 something was listed and every QUERY matched a socket, 2 nothing was\n"
        "listed or some QUERY matched no socket, 1 error. PORTENT_LOCAL_SOURCE=netlink or =proc\n"
        "in the environment reads only that source.\n\n"
        "Examples:\n"
        "  portent local                 what listens here\n"
        "  portent local ssh 53/udp      is ssh listening? what is on 53/udp?\n"
        "  portent local --all 443       listeners on 443 and connections to it\n",
        local_options(),
        run_local,
        {OutputFormat::table, OutputFormat::json, OutputFormat::jsonl},
        OutputFormat::table};
    return command;
}

} // namespace portent::cli
