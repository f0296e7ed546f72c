#pragma once

#include "probe/target.hpp"
#include "services/query.hpp"
#include "services/table.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// What `portent probe` probes: hosts × ports × protocols, made one target at a time.
namespace portent::probe {

// A host item or a query that cannot be probed as written: a usage error.
class TargetError : public std::invalid_argument
{
public:
    using std::invalid_argument::invalid_argument;
};

// At most this many addresses from one item without `allow_large` (an IPv4 /16, an IPv6 /112).
inline constexpr std::uint64_t large_block = 65536;

// Whether `item` is written as addresses, not as a name: an IPv4 or IPv6 literal ([::1] too), a
// CIDR block, an IPv4 range (127.0.1.1-40), or a comma-separated list (which may hold names).
// Such an item is a host and never a QUERY. It may still be a bad one: HostList::add() says why.
[[nodiscard]] bool written_as_hosts(std::string_view item);

// The hosts of a run, in the order given, each a name or an address. Blocks and ranges are kept
// as their bounds; host(i) makes the i-th address when asked.
class HostList
{
public:
    // Adds the hosts of one item: a name, an IPv4 or IPv6 literal ([::1] too), a CIDR block
    // (127.0.1.0/24, ::1/128), an IPv4 range with LO-HI in any of its four parts (127.0.1.1-40,
    // 127.0-3.0.1), or a comma-separated list of those. An IPv4 block up to /30 leaves out its
    // network and broadcast addresses; /31 and /32 keep both, as does every IPv6 block. An item
    // of more than `large_block` addresses needs `allow_large`; IPv6 blocks stop at /96 even so.
    // Throws TargetError for a bad item, with the reason.
    void add(std::string_view item, bool allow_large);

    [[nodiscard]] std::uint64_t size() const { return ends_.empty() ? 0 : ends_.back(); }
    [[nodiscard]] bool empty() const { return size() == 0; }
    // The index-th host: a name, or an address written as inet_ntop() writes it (no brackets).
    [[nodiscard]] std::string host(std::uint64_t index) const;
    // The names among the hosts, each once, in the order given: what is looked up before a run.
    [[nodiscard]] std::vector<std::string> names() const;

private:
    struct Block
    {
        enum class Kind
        {
            name,
            octets, // IPv4: the product of four octet ranges, low[i]-high[i]
            ipv4,   // `count` IPv4 addresses from `first4`
            ipv6    // `count` IPv6 addresses from `first6`
        };
        Kind kind = Kind::name;
        std::string name;
        std::array<std::uint8_t, 4> low{}, high{};
        std::uint32_t first4 = 0;
        std::array<std::uint8_t, 16> first6{};
        std::uint64_t count = 1;
        [[nodiscard]] std::string at(std::uint64_t offset) const;
    };

    void add_one(std::string_view item, bool allow_large);
    [[nodiscard]] static Block read_ipv6(std::string_view text, std::string_view item);
    [[nodiscard]] static Block read_ipv4(std::string_view text, std::string_view item);
    [[nodiscard]] static Block read_name(std::string_view text, std::string_view item);
    void push(Block block, std::string_view item, bool allow_large);

    std::vector<Block> blocks_;
    std::vector<std::uint64_t> ends_; // the index after each block's last host
};

// A port to probe on every host, with the transport, the dialogue to speak and the service's name.
struct PortTarget
{
    std::uint16_t port = 0;
    Transport transport = Transport::tcp;
    DialogueKind dialogue = DialogueKind::generic;
    std::string service; // the database's name for the port, or ""
};

// The ports of a run, each port and protocol once, in the order they are added.
class PortList
{
public:
    // `database`: the table's sources, as messages name them. `dialogue`: spoken on every port when given
    // (--as), else each service's own; a TCP-only one (http, https, banner) narrows bare ports and names to
    // TCP. `first`: a name gives only its first tcp or udp entry (--first).
    PortList(const services::Table& table, std::string database, std::optional<DialogueKind> dialogue,
             bool first);

    // The targets of one query: a bare PORT or LO-HI over TCP, and over UDP as well for each
    // port the database lists for UDP; a NAME over the protocols the database lists for it.
    // /PROTO (in `query`) narrows to one protocol. Throws TargetError for a query that cannot be
    // probed (`text` names it), std::runtime_error for a name the database does not have.
    void add_query(std::string_view text, const services::Query& query);
    // The `count` ports of `transport` most often found open, by the database's open-frequencies
    // (nmap-services has them), most often first. Throws std::runtime_error when the database
    // has none.
    void add_top(std::size_t count, Transport transport);

    [[nodiscard]] const std::vector<PortTarget>& ports() const { return ports_; }

private:
    void add_ports(std::string_view text, const services::Query& query, std::optional<Transport> only);
    void add_named(std::string_view text, const services::Query& query, std::optional<Transport> only);
    void add(std::uint16_t port, Transport transport, const services::Entry* entry);

    const services::Table& table_;
    std::string database_;
    std::optional<DialogueKind> dialogue_;
    bool first_ = false;
    std::vector<bool> seen_;
    std::vector<PortTarget> ports_;
};

// Every host × every port, never held as a list: at(index) makes the index-th target. The
// order interleaves the hosts: they are taken in groups of `host_group`, and a group goes
// through the ports one at a time, each port on every host of the group before the next port.
// Consecutive targets are on different hosts (unless there is one), and a host is finished
// after its group's targets, so that what is in flight is spread over the hosts.
class TargetPlan
{
public:
    static constexpr std::uint64_t host_group = 1024;

    TargetPlan(HostList hosts, std::vector<PortTarget> ports);

    [[nodiscard]] std::uint64_t size() const { return hosts_.size() * ports_.size(); }
    [[nodiscard]] Target at(std::uint64_t index) const;
    // Which host (index into hosts()) and which port (index into ports()) the target is.
    [[nodiscard]] std::uint64_t host_of(std::uint64_t index) const;
    [[nodiscard]] std::size_t port_of(std::uint64_t index) const;
    [[nodiscard]] const HostList& hosts() const { return hosts_; }
    [[nodiscard]] const std::vector<PortTarget>& ports() const { return ports_; }

private:
    HostList hosts_;
    std::vector<PortTarget> ports_;
};

} // namespace portent::probe
