#include "probe/targets.hpp"

#include "probe/dialogues.hpp"
#include "util/ascii.hpp"

#include <algorithm>

namespace portent::probe {

namespace {

std::optional<Transport> transport_named(std::string_view protocol)
{
    if (protocol == "tcp")
        return Transport::tcp;
    if (protocol == "udp")
        return Transport::udp;
    return std::nullopt;
}

// The one transport a dialogue is spoken over (http, https, banner and the STARTTLS ones over
// TCP, ntp and snmp over UDP), or nullopt when it is spoken over both.
std::optional<Transport> only_transport_of(DialogueKind dialogue)
{
    if (dialogue_over(dialogue, Transport::udp) != dialogue)
        return Transport::tcp;
    if (dialogue_over(dialogue, Transport::tcp) != dialogue)
        return Transport::udp;
    return std::nullopt;
}

bool looks_like_ports(std::string_view text)
{
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return util::is_digit(c) || c == '-'; });
}

DialogueKind dialogue_of(const services::Entry& entry)
{
    DialogueKind dialogue = dialogue_for_service(entry.name());
    for (std::string_view alias : entry.aliases())
        if (dialogue == DialogueKind::generic)
            dialogue = dialogue_for_service(alias);
    return dialogue;
}

} // namespace

PortList::PortList(const services::Table& table, std::string database, std::optional<DialogueKind> dialogue,
                   bool first)
    : table_(table), database_(std::move(database)), dialogue_(dialogue), first_(first),
      seen_(std::size_t{2} * 65536, false)
{
}

void PortList::add_query(std::string_view text, const services::Query& query)
{
    std::optional<Transport> only;
    if (query.protocol) {
        only = transport_named(*query.protocol);
        if (!only)
            throw TargetError(std::string(text) + ": only tcp and udp ports can be probed");
    }
    if (!only && dialogue_)
        only = only_transport_of(*dialogue_);
    if (query.kind == services::Query::Kind::name)
        add_named(text, query, only);
    else
        add_ports(text, query, only);
}

void PortList::add_top(std::size_t count, Transport transport)
{
    std::vector<std::uint32_t> found;
    const std::span<const services::Entry> entries = table_.entries();
    for (std::uint32_t index = 0; index < entries.size(); ++index) {
        const services::Entry& entry = entries[index];
        if (entry.frequency() && entry.has_port() && transport_named(entry.protocol()) == transport)
            found.push_back(index);
    }
    if (found.empty())
        throw std::runtime_error("--top: " + database_ + " has no open-frequencies for " +
                                 std::string(to_string(transport)) +
                                 " (nmap-services has them: --db /usr/share/nmap/nmap-services)");
    std::ranges::stable_sort(found, std::ranges::greater{},
                             [&](std::uint32_t index) { return *table_.entry(index).frequency(); });
    std::size_t added = 0;
    for (std::size_t i = 0; i < found.size() && added < count; ++i) {
        const services::Entry& entry = table_.entry(found[i]);
        const std::size_t before = ports_.size();
        add(entry.port_first(), transport, &entry);
        added += ports_.size() - before;
    }
}

// Every tcp and udp entry of the name (or only those of `only`).
void PortList::add_named(std::string_view text, const services::Query& query, std::optional<Transport> only)
{
    if (looks_like_ports(query.name))
        throw TargetError(std::string(text) + ": not a port (1-65535), a range LO-HI or a service name");
    const std::vector<std::uint32_t> found = query.find_in(table_);
    if (found.empty())
        throw std::runtime_error(std::string(text) + ": no such service in " + database_);
    bool added = false;
    for (const std::uint32_t index : found) {
        const services::Entry& entry = table_.entry(index);
        const auto transport = transport_named(entry.protocol());
        if (!transport || !entry.has_port() || (only && *transport != *only))
            continue;
        for (std::uint32_t port = entry.port_first(); port <= entry.port_last(); ++port)
            add(static_cast<std::uint16_t>(port), *transport, &entry);
        added = true;
        if (first_)
            break;
    }
    if (!added)
        throw std::runtime_error(std::string(text) + ": the database lists no tcp or udp port for it");
}

// Every port of a port or range: over TCP always, and over UDP where the database lists the
// port for UDP; over the one protocol of `only` when there is one, listed or not.
void PortList::add_ports(std::string_view text, const services::Query& query, std::optional<Transport> only)
{
    if (query.port_last == 0)
        throw TargetError(std::string(text) + ": port 0 cannot be probed");
    for (std::uint32_t port = std::max<std::uint16_t>(query.port_first, 1); port <= query.port_last; ++port) {
        const auto number = static_cast<std::uint16_t>(port);
        for (const Transport transport : {Transport::tcp, Transport::udp}) {
            if (only && transport != *only)
                continue;
            const std::optional<std::uint32_t> entry = table_.first_by_port(number, to_string(transport));
            if (entry || only || transport == Transport::tcp)
                add(number, transport, entry ? &table_.entry(*entry) : nullptr);
        }
    }
}

void PortList::add(std::uint16_t port, Transport transport, const services::Entry* entry)
{
    if (port == 0)
        return;
    const std::size_t key = port * 2U + (transport == Transport::udp ? 1U : 0U);
    if (seen_[key])
        return;
    seen_[key] = true;
    PortTarget& target = ports_.emplace_back();
    target.port = port;
    target.transport = transport;
    if (entry)
        target.service = std::string(entry->name());
    const DialogueKind dialogue = dialogue_ ? *dialogue_
                                  : entry   ? dialogue_of(*entry)
                                            : DialogueKind::generic;
    target.dialogue = dialogue_over(dialogue, transport);
}

} // namespace portent::probe
