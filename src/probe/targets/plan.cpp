#include "probe/targets.hpp"

#include <algorithm>

namespace portent::probe {

namespace {

// Where a target index falls: its group of hosts, the port, and the host within the group.
struct Place
{
    std::uint64_t host = 0;
    std::size_t port = 0;
};

Place place_of(std::uint64_t index, std::uint64_t hosts, std::uint64_t ports)
{
    const std::uint64_t group = index / (TargetPlan::host_group * ports);
    const std::uint64_t group_start = group * TargetPlan::host_group;
    const std::uint64_t group_hosts = std::min(TargetPlan::host_group, hosts - group_start);
    const std::uint64_t inside = index - group_start * ports;
    return {group_start + inside % group_hosts, static_cast<std::size_t>(inside / group_hosts)};
}

} // namespace

TargetPlan::TargetPlan(HostList hosts, std::vector<PortTarget> ports)
    : hosts_(std::move(hosts)), ports_(std::move(ports))
{
}

Target TargetPlan::at(std::uint64_t index) const
{
    const Place place = place_of(index, hosts_.size(), ports_.size());
    const PortTarget& port = ports_[place.port];
    return Target{hosts_.host(place.host), port.port, port.transport, port.dialogue, port.service};
}

std::uint64_t TargetPlan::host_of(std::uint64_t index) const
{
    return place_of(index, hosts_.size(), ports_.size()).host;
}

std::size_t TargetPlan::port_of(std::uint64_t index) const
{
    return place_of(index, hosts_.size(), ports_.size()).port;
}

} // namespace portent::probe
