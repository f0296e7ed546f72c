#include "services/table.hpp"

#include "services/table/name_index.hpp"
#include "services/table/port_index.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <mutex>

namespace portent::services {

namespace {

using table_index::for_each_covering_node;
using table_index::KeyedIndices;
using table_index::NameIndex;
using table_index::port_count;

bool protocol_matches(const Entry& entry, ProtocolFilter protocol)
{
    return !protocol || same_text(entry.protocol(), *protocol);
}

// Gives the entries and diagnostics of a part's records, numbered from `first_line` on, the
// numbers of those lines in their file.
void renumber(ParseResult& result, std::uint32_t first_line, const std::vector<std::uint32_t>& line_numbers)
{
    const auto in_file = [&](std::uint32_t line) {
        const std::size_t index = line - first_line;
        return index < line_numbers.size() ? line_numbers[index] : line;
    };
    for (Entry& entry : result.entries)
        entry.set_line(in_file(entry.line()));
    for (Diagnostic& diagnostic : result.diagnostics)
        diagnostic.line = in_file(diagnostic.line);
}

} // namespace

struct Table::Data
{
    std::vector<std::shared_ptr<const void>> owners;
    std::vector<ParseResult> results;
    std::vector<Source> sources;
    std::vector<Entry> entries;
    std::vector<Diagnostic> diagnostics;

    NameIndex names;
    KeyedIndices by_first_port; // every entry with a port, by its first port
    KeyedIndices ranges;        // range entries, by segment-tree node (empty when none)

    mutable std::once_flag sorted_names_built;
    mutable std::vector<std::string_view> sorted_names;

    void index_ports();
    template <typename Visit>
    void visit_name(std::string_view name, ProtocolFilter protocol, Visit&& visit) const;
    template <typename Visit>
    void visit_ports(std::uint16_t first, std::uint16_t last, ProtocolFilter protocol, Visit&& visit) const;
};

void Table::Data::index_ports()
{
    const auto count = static_cast<std::uint32_t>(entries.size());
    by_first_port.build(16, count, [&](std::uint32_t index, auto&& add) {
        if (entries[index].has_port())
            add(entries[index].port_first());
    });
    const bool any_range = std::ranges::any_of(entries, [](const Entry& e) { return e.is_range(); });
    if (!any_range)
        return;
    ranges.build(17, count, [&](std::uint32_t index, auto&& add) {
        const Entry& entry = entries[index];
        if (entry.is_range())
            for_each_covering_node(entry.port_first(), entry.port_last(), add);
    });
}

Table::Table() : data_(std::make_unique<Data>()) {}
Table::Table(Table&&) noexcept = default;
Table& Table::operator=(Table&&) noexcept = default;
Table::~Table() = default;

Table::Part Table::Part::holding(std::string name, std::optional<Format> format, std::string text)
{
    auto owner = std::make_shared<const std::string>(std::move(text));
    const std::string_view view = *owner;
    return {std::move(name), format, view, std::move(owner)};
}

Table::Table(std::vector<Part> parts) : data_(std::make_unique<Data>())
{
    Data& data = *data_;
    data.results.reserve(parts.size());
    for (Part& part : parts) {
        const auto source_index = static_cast<std::uint32_t>(data.sources.size());
        const std::string_view text = part.text;
        data.owners.push_back(std::move(part.owner));
        data.sources.push_back(
            {std::move(part.name), part.format.value_or(detect_format(text)), text, part.first_line});
        data.results.push_back(parse(text, data.sources.back().format, source_index, part.first_line));
        if (!part.line_numbers.empty())
            renumber(data.results.back(), part.first_line, part.line_numbers);
    }
    for (ParseResult& result : data.results) {
        if (data.entries.empty())
            data.entries = std::move(result.entries);
        else
            data.entries.insert(data.entries.end(), result.entries.begin(), result.entries.end());
        result.entries = std::vector<Entry>(); // given back (`= {}` would keep the memory)
        data.diagnostics.insert(data.diagnostics.end(), result.diagnostics.begin(), result.diagnostics.end());
    }
    data.names.build(data.entries);
    data.index_ports();
}

std::span<const Entry> Table::entries() const
{
    return data_->entries;
}
std::span<const Diagnostic> Table::diagnostics() const
{
    return data_->diagnostics;
}
std::span<const Source> Table::sources() const
{
    return data_->sources;
}

template <typename Visit>
void Table::Data::visit_name(std::string_view name, ProtocolFilter protocol, Visit&& visit) const
{
    names.visit(name, [&](std::uint32_t index) {
        return !protocol_matches(entries[index], protocol) || visit(index);
    });
}

template <typename Visit>
void Table::Data::visit_ports(std::uint16_t first, std::uint16_t last, ProtocolFilter protocol,
                              Visit&& visit) const
{
    for (std::uint32_t index : by_first_port.groups(first, last))
        if (protocol_matches(entries[index], protocol))
            visit(index);
    if (ranges.empty())
        return;
    // Ranges that start before `first` and reach into it, from the leaf up to the root.
    for (std::uint32_t node = first + port_count; node >= 1; node >>= 1U)
        for (std::uint32_t index : ranges.group(node))
            if (entries[index].port_first() < first && protocol_matches(entries[index], protocol))
                visit(index);
}

std::vector<std::uint32_t> Table::find_by_name(std::string_view name, ProtocolFilter protocol) const
{
    std::vector<std::uint32_t> found;
    data_->visit_name(name, protocol, [&](std::uint32_t index) {
        found.push_back(index);
        return true;
    });
    return found;
}

// first_by_name() and first_by_port() call these with plain arguments and results (no_entry:
// none) that stay in registers across the call: an optional passed or returned through memory,
// built a byte at a time and read back whole, stalls for longer than the lookup takes.
std::uint32_t Table::first_index_by_name(std::string_view name, bool filtered,
                                         std::string_view protocol) const
{
    std::uint32_t first = no_entry;
    data_->visit_name(name, filtered ? ProtocolFilter(protocol) : std::nullopt, [&](std::uint32_t index) {
        first = index;
        return false;
    });
    return first;
}

std::vector<std::uint32_t> Table::find_in_range(std::uint16_t first, std::uint16_t last,
                                                ProtocolFilter protocol) const
{
    std::vector<std::uint32_t> found;
    data_->visit_ports(first, last, protocol, [&](std::uint32_t index) { found.push_back(index); });
    // Each port's entries are in file order; several ports, or ranges, need merging.
    if (first != last || !data_->ranges.empty())
        std::ranges::sort(found);
    return found;
}

std::vector<std::uint32_t> Table::find_by_port(std::uint16_t port, ProtocolFilter protocol) const
{
    return find_in_range(port, port, protocol);
}

std::uint32_t Table::first_index_by_port(std::uint16_t port, bool filtered, std::string_view protocol) const
{
    std::uint32_t first = no_entry;
    data_->visit_ports(port, port, filtered ? ProtocolFilter(protocol) : std::nullopt,
                       [&](std::uint32_t index) { first = std::min(first, index); });
    return first;
}

std::vector<std::string_view> Table::names_with_prefix(std::string_view prefix) const
{
    std::call_once(data_->sorted_names_built, [this] {
        auto& sorted = data_->sorted_names;
        sorted = data_->names.keys();
        std::ranges::sort(sorted);
    });
    const auto& names = data_->sorted_names;
    std::vector<std::string_view> found;
    for (auto it = std::ranges::lower_bound(names, prefix); it != names.end() && it->starts_with(prefix);
         ++it)
        found.push_back(*it);
    return found;
}

std::vector<std::uint32_t> Table::search(std::string_view text, ProtocolFilter protocol) const
{
    std::vector<std::string> words; // lower-case
    for (const std::string_view word : util::split_words(text))
        words.push_back(util::lowered(word));
    std::vector<std::uint32_t> found;
    if (words.empty())
        return found;
    for (std::uint32_t index = 0; index < data_->entries.size(); ++index) {
        const Entry& entry = data_->entries[index];
        if (!protocol_matches(entry, protocol))
            continue;
        const bool hit = std::ranges::all_of(words, [&](const std::string& word) {
            return util::contains_ignoring_case(entry.name(), word) ||
                   util::contains_ignoring_case(entry.comment(), word) ||
                   std::ranges::any_of(entry.aliases(), [&](std::string_view alias) {
                       return util::contains_ignoring_case(alias, word);
                   });
        });
        if (hit)
            found.push_back(index);
    }
    return found;
}

} // namespace portent::services
