#include "cli/probe_targets.hpp"

#include "cli/output.hpp"
#include "probe/dialogues.hpp"

#include <algorithm>

namespace portent::cli {

namespace {

using probe::DialogueKind;
using probe::Target;
using probe::Transport;

std::optional<Transport> transport_named(std::string_view protocol)
{
    if (protocol == "tcp")
        return Transport::tcp;
    if (protocol == "udp")
        return Transport::udp;
    return std::nullopt;
}

// http, https and banner are spoken over TCP only.
bool tcp_only(DialogueKind dialogue)
{
    return probe::dialogue_over(dialogue, Transport::udp) != dialogue;
}

bool looks_like_ports(std::string_view text)
{
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

DialogueKind dialogue_of(const services::Entry& entry)
{
    DialogueKind dialogue = probe::dialogue_for_service(entry.name);
    for (std::string_view alias : entry.aliases)
        if (dialogue == DialogueKind::generic)
            dialogue = probe::dialogue_for_service(alias);
    return dialogue;
}

class TargetList
{
public:
    TargetList(const Context& context, const services::Table& table, const std::string& host,
               std::optional<DialogueKind> dialogue)
        : context_(context), table_(table), host_(host), dialogue_(dialogue),
          seen_(std::size_t{2} * 65536, false)
    {
    }

    void add_query(const std::string& text)
    {
        const services::Query query = context_.query(text);
        std::optional<Transport> only;
        if (query.protocol) {
            only = transport_named(*query.protocol);
            if (!only)
                throw UsageError(text + ": only tcp and udp ports can be probed");
        }
        if (!only && dialogue_ && tcp_only(*dialogue_))
            only = Transport::tcp;
        if (query.kind == services::Query::Kind::name)
            add_named(text, query, only);
        else
            add_ports(text, query, only);
    }

    std::vector<Target> take() { return std::move(targets_); }

private:
    // Every tcp and udp entry of the name (or only those of `only`).
    void add_named(const std::string& text, const services::Query& query, std::optional<Transport> only)
    {
        if (looks_like_ports(query.name))
            throw UsageError(text + ": not a port (1-65535), a range LO-HI or a service name");
        const std::vector<std::uint32_t> found = query.find_in(table_);
        if (found.empty())
            throw std::runtime_error(text + ": no such service in " + source_names(table_));
        bool added = false;
        for (const std::uint32_t index : found) {
            const services::Entry& entry = table_.entry(index);
            const auto transport = transport_named(entry.protocol);
            if (!transport || !entry.has_port || (only && *transport != *only))
                continue;
            for (std::uint32_t port = entry.port_first; port <= entry.port_last; ++port)
                add(static_cast<std::uint16_t>(port), *transport, &entry);
            added = true;
            if (context_.global.first)
                break;
        }
        if (!added)
            throw std::runtime_error(text + ": the database lists no tcp or udp port for it");
    }

    // Every port of a port or range: over TCP always, and over UDP where the database lists the
    // port for UDP; over the one protocol of `only` when there is one, listed or not.
    void add_ports(const std::string& text, const services::Query& query, std::optional<Transport> only)
    {
        if (query.port_last == 0)
            throw UsageError(text + ": port 0 cannot be probed");
        for (std::uint32_t port = std::max<std::uint16_t>(query.port_first, 1); port <= query.port_last;
             ++port) {
            const auto number = static_cast<std::uint16_t>(port);
            for (const Transport transport : {Transport::tcp, Transport::udp}) {
                if (only && transport != *only)
                    continue;
                const std::optional<std::uint32_t> entry =
                    table_.first_by_port(number, probe::to_string(transport));
                if (entry || only || transport == Transport::tcp)
                    add(number, transport, entry ? &table_.entry(*entry) : nullptr);
            }
        }
    }

    void add(std::uint16_t port, Transport transport, const services::Entry* entry)
    {
        const std::size_t key = port * 2U + (transport == Transport::udp ? 1U : 0U);
        if (seen_[key])
            return;
        seen_[key] = true;
        Target& target = targets_.emplace_back();
        target.host = host_;
        target.port = port;
        target.transport = transport;
        if (entry)
            target.service = std::string(entry->name);
        const DialogueKind dialogue = dialogue_ ? *dialogue_
                                      : entry   ? dialogue_of(*entry)
                                                : DialogueKind::generic;
        target.dialogue = probe::dialogue_over(dialogue, transport);
    }

    const Context& context_;
    const services::Table& table_;
    const std::string& host_;
    std::optional<DialogueKind> dialogue_;
    std::vector<bool> seen_;
    std::vector<Target> targets_;
};

} // namespace

std::vector<Target> make_targets(const Context& context, const services::Table& table,
                                 const std::string& host, std::optional<DialogueKind> dialogue,
                                 std::span<const std::string> queries)
{
    TargetList list(context, table, host, dialogue);
    for (const std::string& query : queries)
        list.add_query(query);
    return list.take();
}

} // namespace portent::cli
