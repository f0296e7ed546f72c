#include "services/merge.hpp"

#include "services/name_and_protocol.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_set>
#include <utility>

namespace portent::services {

namespace {

// Ports as disjoint spans, first port to last.
class PortSet
{
public:
    [[nodiscard]] bool holds(std::uint32_t first, std::uint32_t last) const
    {
        auto span = spans_.upper_bound(first);
        if (span == spans_.begin())
            return false;
        return std::prev(span)->second >= last;
    }

    // Calls gap(first, last) for each span of first..last that is not held, in order.
    template <typename Gap> void for_each_gap(std::uint32_t first, std::uint32_t last, Gap&& gap) const
    {
        auto span = spans_.upper_bound(first);
        if (span != spans_.begin() && std::prev(span)->second >= first)
            first = std::prev(span)->second + 1;
        for (; first <= last && span != spans_.end() && span->first <= last; ++span) {
            if (span->first > first)
                gap(first, span->first - 1);
            first = std::max(first, span->second + 1);
        }
        if (first <= last)
            gap(first, last);
    }

    void add(std::uint32_t first, std::uint32_t last)
    {
        auto span = spans_.upper_bound(first);
        if (span != spans_.begin() && std::prev(span)->second + 1 >= first)
            --span; // joins the span before
        for (; span != spans_.end() && span->first <= last + 1; span = spans_.erase(span)) {
            first = std::min(first, span->first);
            last = std::max(last, span->second);
        }
        spans_.emplace(first, last);
    }

private:
    std::map<std::uint32_t, std::uint32_t> spans_;
};

// The ports that the sources before the current one hold, by protocol; what the current source
// holds joins them when the next source begins.
class EarlierPorts
{
public:
    // Called with each entry's source in file order.
    void enter(std::uint32_t source)
    {
        if (source == current_)
            return;
        current_ = source;
        for (const auto& [protocol, first, last] : pending_)
            ports_of(protocol).add(first, last);
        pending_.clear();
    }

    [[nodiscard]] bool hold(std::string_view protocol, std::uint32_t first, std::uint32_t last) const
    {
        const auto found = std::ranges::find(by_protocol_, protocol, &Protocol::name);
        return found != by_protocol_.end() && found->ports.holds(first, last);
    }

    template <typename Gap>
    void for_each_gap(std::string_view protocol, std::uint32_t first, std::uint32_t last, Gap&& gap) const
    {
        const auto found = std::ranges::find(by_protocol_, protocol, &Protocol::name);
        if (found == by_protocol_.end())
            gap(first, last);
        else
            found->ports.for_each_gap(first, last, gap);
    }

    void add(std::string_view protocol, std::uint32_t first, std::uint32_t last)
    {
        pending_.push_back({protocol, first, last});
    }

private:
    struct Protocol
    {
        std::string_view name;
        PortSet ports;
    };
    struct Span
    {
        std::string_view protocol;
        std::uint32_t first;
        std::uint32_t last;
    };

    PortSet& ports_of(std::string_view protocol)
    {
        auto found = std::ranges::find(by_protocol_, protocol, &Protocol::name);
        return found != by_protocol_.end() ? found->ports
                                           : by_protocol_.emplace_back(Protocol{protocol, {}}).ports;
    }

    std::vector<Protocol> by_protocol_; // a few protocols: tcp, udp, sctp, …
    std::vector<Span> pending_;
    std::uint32_t current_ = 0;
};

constexpr std::uint32_t every_port_last = 65535;

} // namespace

std::vector<std::uint32_t> first_source_wins(const Table& table, std::vector<std::uint32_t> found,
                                             std::optional<PortSpan> asked)
{
    if (table.sources().size() <= 1)
        return found;
    // A name query asks for the whole of each entry: any entry of an earlier source with the
    // protocol hides it.
    EarlierPorts earlier;
    std::size_t kept = 0;
    for (const std::uint32_t index : found) {
        const Entry& entry = table.entry(index);
        earlier.enter(entry.source());
        std::uint32_t first = 0;
        std::uint32_t last = every_port_last;
        if (asked && entry.has_port()) {
            first = std::max(entry.port_first(), asked->first);
            last = std::min(entry.port_last(), asked->last);
        }
        const bool hidden = earlier.hold(entry.protocol(), first, last);
        earlier.add(entry.protocol(), first, last);
        if (!hidden)
            found[kept++] = index;
    }
    found.resize(kept);
    return found;
}

std::vector<std::pair<std::uint32_t, PortSpan>>
first_source_ports(const Table& table, const std::vector<std::uint32_t>& found, PortSpan asked)
{
    std::vector<std::pair<std::uint32_t, PortSpan>> spans;
    EarlierPorts earlier;
    for (const std::uint32_t index : found) {
        const Entry& entry = table.entry(index);
        earlier.enter(entry.source());
        const std::uint32_t first = std::max(entry.port_first(), asked.first);
        const std::uint32_t last = std::min(entry.port_last(), asked.last);
        earlier.for_each_gap(
            entry.protocol(), first, last, [&](std::uint32_t gap_first, std::uint32_t gap_last) {
                spans.push_back(
                    {index, {static_cast<std::uint16_t>(gap_first), static_cast<std::uint16_t>(gap_last)}});
            });
        earlier.add(entry.protocol(), first, last);
    }
    return spans;
}

std::vector<bool> hidden_by_earlier_sources(const Table& table, EntryFilter accept)
{
    const auto entries = table.entries();
    std::vector<bool> hidden(entries.size(), false);
    if (table.sources().size() <= 1)
        return hidden;
    std::unordered_set<NameAndProtocol, NameAndProtocolHash> earlier_names;
    std::vector<NameAndProtocol> current_names;
    EarlierPorts earlier_ports;
    std::uint32_t current = 0;
    for (std::uint32_t index = 0; index < entries.size(); ++index) {
        const Entry& entry = entries[index];
        if (accept && !accept(entry))
            continue;
        if (entry.source() != current) {
            current = entry.source();
            earlier_names.insert(current_names.begin(), current_names.end());
            current_names.clear();
        }
        earlier_ports.enter(entry.source());
        if (!entry.name().empty())
            hidden[index] = earlier_names.contains({entry.name(), entry.protocol()});
        else if (entry.has_port())
            hidden[index] = earlier_ports.hold(entry.protocol(), entry.port_first(), entry.port_last());
        if (!entry.name().empty())
            current_names.push_back({entry.name(), entry.protocol()});
        for (const std::string_view alias : entry.aliases())
            current_names.push_back({alias, entry.protocol()});
        if (entry.has_port())
            earlier_ports.add(entry.protocol(), entry.port_first(), entry.port_last());
    }
    return hidden;
}

} // namespace portent::services
