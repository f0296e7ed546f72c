#include "services/lint.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>

namespace portent::services {

namespace {

struct NameAndProtocol
{
    std::string_view name;
    std::string_view protocol;
    bool operator==(const NameAndProtocol&) const = default;
};

struct NameAndProtocolHash
{
    std::size_t operator()(const NameAndProtocol& key) const
    {
        const std::hash<std::string_view> hash;
        return hash(key.name) * 31 + hash(key.protocol);
    }
};

} // namespace

std::vector<Diagnostic> lint(const Table& table)
{
    std::vector<Diagnostic> found(table.diagnostics().begin(), table.diagnostics().end());
    const auto entries = table.entries();
    // One pass in file order: the first entry of each name/protocol, whatever its source.
    std::unordered_map<NameAndProtocol, std::uint32_t, NameAndProtocolHash> first_of;
    first_of.reserve(entries.size());
    for (std::uint32_t index = 0; index < entries.size(); ++index) {
        const Entry& entry = entries[index];
        // Only services(5) files answer getservbyname(3); the IANA registry and nmap-services
        // list a name on several ports by design.
        const bool checked = table.sources()[entry.source].format == Format::services;
        auto check = [&](std::string_view key) {
            const auto [place, added] = first_of.try_emplace({key, entry.protocol}, index);
            if (added || place->second == index || !checked)
                return;
            const Entry& earlier = table.entry(place->second);
            std::string where = "line " + std::to_string(earlier.line);
            if (earlier.source != entry.source)
                where = table.sources()[earlier.source].name + ":" + std::to_string(earlier.line);
            found.push_back({entry.source, entry.line,
                             "duplicate '" + std::string(key) + "/" + std::string(entry.protocol) +
                                 "': " + where + " defines it first"});
        };
        if (!entry.name.empty())
            check(entry.name);
        for (std::string_view alias : entry.aliases)
            check(alias);
    }
    std::ranges::stable_sort(found, [](const Diagnostic& a, const Diagnostic& b) {
        return a.source != b.source ? a.source < b.source : a.line < b.line;
    });
    return found;
}

} // namespace portent::services
