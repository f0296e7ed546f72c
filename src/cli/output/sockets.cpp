#include "cli/output/sockets.hpp"

#include "cli/output.hpp"
#include "cli/text.hpp"
#include "local/owners.hpp"

#include <boost/json/object.hpp>

#include <ostream>

namespace portent::cli {

namespace {

using local::NamedSocket;
using local::Socket;

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

void write_sockets_table(std::ostream& out, std::span<const NamedSocket> sockets, bool all,
                         local::UserNames& users, std::size_t max_width)
{
    write_table(
        out, {all ? "LOCAL" : "LISTEN", "REMOTE", "STATE", "SERVICE", "PROCESS", "USER", "COMMENT"},
        sockets.size(),
        [&](std::size_t index) -> Row {
            const NamedSocket& named = sockets[index];
            const Socket& socket = named.socket;
            const bool listener = is_listener(socket);
            const auto& user = users.name(socket.uid);
            return {address_label(socket, socket.local, true) + "/" + std::string(to_string(socket.protocol)),
                    listener ? "" : address_label(socket, socket.remote, false),
                    all ? std::string(local::state_name(socket.protocol, socket.state)) : "",
                    named.service ? std::string(named.service->name()) : "unregistered",
                    process_label(socket),
                    user ? *user : std::to_string(socket.uid),
                    named.service ? std::string(named.service->comment()) : ""};
        },
        max_width);
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
    object["name"] = service ? boost::json::value(valid_utf8(service->name())) : nullptr;
    boost::json::array aliases;
    if (service)
        for (std::string_view alias : service->aliases())
            aliases.emplace_back(valid_utf8(alias));
    object["aliases"] = std::move(aliases);
    object["comment"] = service ? boost::json::value(valid_utf8(service->comment())) : nullptr;
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

} // namespace

void write_sockets(std::ostream& out, OutputFormat format, std::span<const NamedSocket> sockets, bool all,
                   std::size_t max_width)
{
    local::UserNames users;
    if (format == OutputFormat::json) {
        JsonArrayWriter array(out);
        for (const NamedSocket& named : sockets)
            array.add(socket_object(named, users));
        array.finish();
    } else if (format == OutputFormat::jsonl) {
        for (const NamedSocket& named : sockets)
            write_json(out, socket_object(named, users));
    } else if (!sockets.empty()) {
        write_sockets_table(out, sockets, all, users, max_width);
    }
}

} // namespace portent::cli
