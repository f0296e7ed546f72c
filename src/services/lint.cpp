#include "services/lint.hpp"

#include <algorithm>

namespace portent::services {

std::vector<Diagnostic> lint(const Table& table)
{
    std::vector<Diagnostic> found(table.diagnostics().begin(), table.diagnostics().end());
    const auto entries = table.entries();
    for (std::uint32_t index = 0; index < entries.size(); ++index) {
        const Entry& entry = entries[index];
        // Only services(5) files answer getservbyname(3); the IANA registry and nmap-services
        // list a name on several ports by design.
        if (table.sources()[entry.source].format != Format::services)
            continue;
        auto check = [&](std::string_view key) {
            const auto first = table.first_by_name(key, entry.protocol);
            if (!first || *first == index)
                return;
            const Entry& earlier = table.entry(*first);
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
            if (alias != entry.name)
                check(alias);
    }
    std::ranges::stable_sort(found, [](const Diagnostic& a, const Diagnostic& b) {
        return a.source != b.source ? a.source < b.source : a.line < b.line;
    });
    return found;
}

} // namespace portent::services
