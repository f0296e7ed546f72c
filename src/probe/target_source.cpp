#include "probe/target_source.hpp"

#include "probe/dialogue/starttls.hpp"
#include "probe/dialogues.hpp"

#include <algorithm>
#include <map>

namespace portent::probe {

namespace {

bool speaks_tls(DialogueKind dialogue, Transport transport)
{
    const DialogueKind spoken = dialogue_over(dialogue, transport);
    return spoken == DialogueKind::https || spoken == DialogueKind::tls || StartTls::of(spoken);
}

} // namespace

ListedTargets::ListedTargets(std::span<const Target> targets) : targets_(targets)
{
    std::map<std::string, std::uint32_t, std::less<>> known;
    host_of_.reserve(targets.size());
    for (const Target& target : targets) {
        auto [place, added] = known.try_emplace(target.host, static_cast<std::uint32_t>(hosts_.size()));
        if (added) {
            hosts_.push_back(target.host);
            per_host_.push_back(0);
        }
        host_of_.push_back(place->second);
        ++per_host_[place->second];
    }
}

bool ListedTargets::any_udp() const
{
    return std::ranges::any_of(targets_,
                               [](const Target& target) { return target.transport == Transport::udp; });
}

bool ListedTargets::any_tls() const
{
    return std::ranges::any_of(
        targets_, [](const Target& target) { return speaks_tls(target.dialogue, target.transport); });
}

bool PlannedTargets::any_udp() const
{
    return std::ranges::any_of(plan_.ports(),
                               [](const PortTarget& port) { return port.transport == Transport::udp; });
}

bool PlannedTargets::any_tls() const
{
    return std::ranges::any_of(
        plan_.ports(), [](const PortTarget& port) { return speaks_tls(port.dialogue, port.transport); });
}

} // namespace portent::probe
