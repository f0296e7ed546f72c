#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/text.hpp"
#include "local/list.hpp"
#include "local/naming.hpp"
#include "local/owners.hpp"

#include <boost/json/object.hpp>

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

bool is_listener(const Socket& socket)
{
    return (local::mask_of(socket.state) & local::listening_states(socket.protocol)) != 0;
}

// As ss writes an address: IPv6 in brackets, a wildcard IPv6 socket that also takes IPv4 as "*".
std::string address_part(const Socket& socket, const local::Endpoint& end, bool local_end)
{
    if (socket.ipv6 && local_end && socket.v6only == false && local::is_wildcard(end))
        return std::string(1, '*');
    if (socket.ipv6)
        return '[' + local::address_text(socket, end) + ']';
    return local::address_text(socket, end);
}

// ADDRESS:PORT, with "%interface" after the address of a socket bound to one.
std::string address_label(const Socket& socket, const local::Endpoint& end, bool local_end)
{
    std::string label = address_part(socket, end, local_end);
    if (local_end && socket.interface_index.value_or(0) != 0) {
        label += '%';
        label += local::interface_name(*socket.interface_index);
    }
    label += ':';
    label += std::to_string(end.port);
    return label;
}

// "python3 (pid 4121)", "nginx (pid 10, 11)", "-" when no process can be seen.
std::string process_label(const Socket& socket)
{
    std::string label;
    for (std::size_t index = 0; index < socket.owners.size(); ++index) {
        const local::Owner& owner = socket.owners[index];
        const bool same_command = index > 0 && socket.owners[index - 1].command == owner.command;
        const bool same_pid = index > 0 && socket.owners[index - 1].pid == owner.pid;
        if (same_pid && same_command)
            continue;
        if (same_command) {
            label.insert(label.size() - 1, ", " + std::to_string(owner.pid));
            continue;
        }
        label += (label.empty() ? "" : ", ") + owner.command + " (pid " + std::to_string(owner.pid) + ")";
    }
    return label.empty() ? "-" : label;
}

void write_sockets_table(const Context& context, const std::vector<NamedSocket>& sockets, bool all,
                         local::UserNames& users)
{
    write_table(
        context.out, {all ? "LOCAL" : "LISTEN", "REMOTE", "STATE", "SERVICE", "PROCESS", "USER", "COMMENT"},
        sockets.size(),
        [&](std::size_t index) -> Row {
            const NamedSocket& named = sockets[index];
            const Socket& socket = named.socket;
            const bool listener = is_listener(socket);
            const auto& user = users.name(socket.uid);
            return {address_label(socket, socket.local, true) + "/" + std::string(to_string(socket.protocol)),
                    listener ? "" : address_label(socket, socket.remote, false),
                    all ? std::string(local::state_name(socket.protocol, socket.state)) : "",
                    named.service ? std::string(named.service->name) : "unregistered",
                    process_label(socket),
                    user ? *user : std::to_string(socket.uid),
                    named.service ? std::string(named.service->comment) : ""};
        },
        context.table_width);
}

boost::json::object socket_object(const NamedSocket& named, local::UserNames& users)
{
    const Socket& socket = named.socket;
    const bool listener = is_listener(socket);
    boost::json::object object;
    object["protocol"] = to_string(socket.protocol);
    object["address"] = local::address_text(socket, socket.local);
    object["port"] = socket.local.port;
    object["interface"] = socket.interface_index.value_or(0) != 0
                              ? boost::json::value(valid_utf8(local::interface_name(*socket.interface_index)))
                              : nullptr;
    object["v6only"] = socket.v6only ? boost::json::value(*socket.v6only) : nullptr;
    object["state"] = local::state_name(socket.protocol, socket.state);
    object["remote_address"] = listener ? boost::json::value(nullptr)
                                        : boost::json::value(local::address_text(socket, socket.remote));
    object["remote_port"] = listener ? boost::json::value(nullptr) : boost::json::value(socket.remote.port);
    const services::Entry* service = named.service;
    object["name"] = service ? boost::json::value(valid_utf8(service->name)) : nullptr;
    boost::json::array aliases;
    if (service)
        for (std::string_view alias : service->aliases)
            aliases.emplace_back(valid_utf8(alias));
    object["aliases"] = std::move(aliases);
    object["comment"] = service ? boost::json::value(valid_utf8(service->comment)) : nullptr;
    object["service_port"] = named.service_port;
    object["uid"] = socket.uid;
    const auto& user = users.name(socket.uid);
    object["user"] = user ? boost::json::value(valid_utf8(*user)) : nullptr;
    boost::json::array processes;
    for (const local::Owner& owner : socket.owners) {
        boost::json::object process{{"pid", owner.pid}, {"command", valid_utf8(owner.command)}};
        process["uid"] = owner.uid ? boost::json::value(*owner.uid) : nullptr;
        const auto* name = owner.uid ? &users.name(*owner.uid) : nullptr;
        process["user"] = name && *name ? boost::json::value(valid_utf8(**name)) : nullptr;
        process["fd"] = owner.fd;
        processes.push_back(std::move(process));
    }
    object["processes"] = std::move(processes);
    object["inode"] = socket.inode;
    return object;
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

void write_sockets(const Context& context, OutputFormat format, const std::vector<NamedSocket>& sockets,
                   bool all)
{
    local::UserNames users;
    if (format == OutputFormat::json) {
        JsonArrayWriter array(context.out);
        for (const NamedSocket& named : sockets)
            array.add(socket_object(named, users));
        array.finish();
    } else if (format == OutputFormat::jsonl) {
        for (const NamedSocket& named : sockets)
            write_json(context.out, socket_object(named, users));
    } else if (!sockets.empty()) {
        write_sockets_table(context, sockets, all, users);
    }
    context.out.flush();
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
    write_sockets(context, format, sockets, request.connected);

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
