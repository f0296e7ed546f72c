#include "services/table.hpp"

#include <algorithm>
#include <mutex>

namespace portent::services {

namespace {

constexpr std::uint32_t port_count = 65536;
constexpr std::uint32_t none = 0xFFFFFFFF;

std::uint64_t hash(std::string_view text)
{
    std::uint64_t value = 1469598103934665603ULL; // FNV-1a
    for (unsigned char c : text) {
        value ^= c;
        value *= 1099511628211ULL;
    }
    return value;
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Whether `haystack` holds `lowered_needle` (already lower-case), ignoring ASCII case.
bool contains_ignoring_case(std::string_view haystack, std::string_view lowered_needle)
{
    if (lowered_needle.size() > haystack.size())
        return false;
    const std::size_t last = haystack.size() - lowered_needle.size();
    for (std::size_t start = 0; start <= last; ++start) {
        std::size_t i = 0;
        while (i < lowered_needle.size() && lower(haystack[start + i]) == lowered_needle[i])
            ++i;
        if (i == lowered_needle.size())
            return true;
    }
    return false;
}

bool protocol_matches(const Entry& entry, ProtocolFilter protocol)
{
    return !protocol || entry.protocol == *protocol;
}

// Lists of entry indices grouped by a small integer key, stored flat (compressed rows).
// Group `key` is indices[starts[key + 1] .. starts[key + 2]).
struct GroupedIndices
{
    std::vector<std::uint32_t> starts; // size keys + 2
    std::vector<std::uint32_t> indices;

    [[nodiscard]] bool empty() const { return starts.empty(); }
    [[nodiscard]] std::span<const std::uint32_t> groups(std::uint32_t first, std::uint32_t last) const
    {
        return {indices.data() + starts[first + 1], indices.data() + starts[last + 2]};
    }
    [[nodiscard]] std::span<const std::uint32_t> group(std::uint32_t key) const { return groups(key, key); }

    // `for_each_key(index, add)` calls add(key) for every key the entry belongs to. Every group
    // lists its indices in ascending (file) order.
    template <typename KeysOf> void build(std::uint32_t key_count, std::uint32_t entry_count, KeysOf&& for_each_key)
    {
        starts.assign(key_count + 2, 0);
        for (std::uint32_t index = 0; index < entry_count; ++index)
            for_each_key(index, [&](std::uint32_t key) { ++starts[key + 1]; });
        for (std::uint32_t key = 1; key <= key_count; ++key)
            starts[key] += starts[key - 1];
        // starts[key + 1] is now where group `key` ends: filling it backwards leaves it where
        // the group starts, and the groups need no second array.
        indices.resize(starts[key_count]);
        for (std::uint32_t index = entry_count; index-- > 0;)
            for_each_key(index, [&](std::uint32_t key) { indices[--starts[key + 1]] = index; });
        starts[key_count + 1] = static_cast<std::uint32_t>(indices.size());
    }
};

// The nodes of a segment tree over all ports (node 1 covers 0–65535; leaf of port p is
// 65536 + p) that together cover [first, last] exactly.
template <typename Add> void for_each_covering_node(std::uint32_t first, std::uint32_t last, Add&& add)
{
    std::uint32_t left = first + port_count;
    std::uint32_t right = last + port_count + 1;
    while (left < right) {
        if (left & 1U)
            add(left++);
        if (right & 1U)
            add(--right);
        left >>= 1U;
        right >>= 1U;
    }
}

} // namespace

struct Table::Data
{
    std::deque<std::string> texts;
    std::vector<ParseResult> results;
    std::vector<Source> sources;
    std::vector<Entry> entries;
    std::vector<Diagnostic> diagnostics;

    // Names and aliases: open addressing over distinct keys; each key heads a chain of
    // entries in file order.
    std::vector<std::string_view> keys;
    std::vector<std::uint32_t> key_head, key_tail;
    std::vector<std::uint32_t> slots; // key id, or none
    std::vector<std::uint32_t> chain_entry, chain_next;

    GroupedIndices by_first_port; // every entry with a port, by its first port
    GroupedIndices ranges;        // range entries, by segment-tree node (empty when none)

    mutable std::once_flag sorted_names_built;
    mutable std::vector<std::string_view> sorted_names;

    void index_names();
    void add_name(std::string_view key, std::uint32_t entry);
    [[nodiscard]] std::uint32_t find_key(std::string_view key) const;
    void index_ports();
};

std::uint32_t Table::Data::find_key(std::string_view key) const
{
    if (slots.empty())
        return none;
    const std::size_t mask = slots.size() - 1;
    for (std::size_t slot = hash(key) & mask;; slot = (slot + 1) & mask) {
        const std::uint32_t id = slots[slot];
        if (id == none || keys[id] == key)
            return id;
    }
}

void Table::Data::add_name(std::string_view key, std::uint32_t entry)
{
    const std::size_t mask = slots.size() - 1;
    std::size_t slot = hash(key) & mask;
    while (slots[slot] != none && keys[slots[slot]] != key)
        slot = (slot + 1) & mask;
    const auto link = static_cast<std::uint32_t>(chain_entry.size());
    chain_entry.push_back(entry);
    chain_next.push_back(none);
    if (slots[slot] == none) {
        slots[slot] = static_cast<std::uint32_t>(keys.size());
        keys.push_back(key);
        key_head.push_back(link);
        key_tail.push_back(link);
        return;
    }
    const std::uint32_t id = slots[slot];
    if (chain_entry[key_tail[id]] == entry) { // an alias that repeats the name
        chain_entry.pop_back();
        chain_next.pop_back();
        return;
    }
    chain_next[key_tail[id]] = link;
    key_tail[id] = link;
}

void Table::Data::index_names()
{
    std::size_t name_count = 0;
    for (const Entry& entry : entries)
        name_count += 1 + entry.aliases.size();
    std::size_t capacity = 16;
    while (capacity < name_count * 2)
        capacity *= 2;
    slots.assign(capacity, none);
    chain_entry.reserve(name_count);
    chain_next.reserve(name_count);
    for (std::uint32_t index = 0; index < entries.size(); ++index) {
        const Entry& entry = entries[index];
        if (!entry.name.empty())
            add_name(entry.name, index);
        for (std::string_view alias : entry.aliases)
            add_name(alias, index);
    }
}

void Table::Data::index_ports()
{
    const auto count = static_cast<std::uint32_t>(entries.size());
    by_first_port.build(port_count, count, [&](std::uint32_t index, auto&& add) {
        if (entries[index].has_port)
            add(entries[index].port_first);
    });
    const bool any_range = std::ranges::any_of(entries, [](const Entry& e) { return e.is_range(); });
    if (!any_range)
        return;
    ranges.build(2 * port_count, count, [&](std::uint32_t index, auto&& add) {
        const Entry& entry = entries[index];
        if (entry.is_range())
            for_each_covering_node(entry.port_first, entry.port_last, add);
    });
}

Table::Table() : data_(std::make_unique<Data>()) {}
Table::Table(Table&&) noexcept = default;
Table& Table::operator=(Table&&) noexcept = default;
Table::~Table() = default;

Table::Table(std::vector<Part> parts) : data_(std::make_unique<Data>())
{
    Data& data = *data_;
    data.results.reserve(parts.size());
    for (Part& part : parts) {
        const auto source_index = static_cast<std::uint32_t>(data.sources.size());
        std::string_view text = part.static_text;
        if (part.static_text.empty())
            text = data.texts.emplace_back(std::move(part.text));
        data.sources.push_back({std::move(part.name), part.format.value_or(detect_format(text))});
        data.results.push_back(parse(text, data.sources.back().format, source_index));
    }
    for (ParseResult& result : data.results) {
        if (data.entries.empty())
            data.entries = std::move(result.entries);
        else
            data.entries.insert(data.entries.end(), result.entries.begin(), result.entries.end());
        result.entries = {};
        data.diagnostics.insert(data.diagnostics.end(), result.diagnostics.begin(), result.diagnostics.end());
    }
    data.index_names();
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

std::vector<std::uint32_t> Table::find_by_name(std::string_view name, ProtocolFilter protocol) const
{
    std::vector<std::uint32_t> found;
    const std::uint32_t id = data_->find_key(name);
    if (id == none)
        return found;
    for (std::uint32_t link = data_->key_head[id]; link != none; link = data_->chain_next[link]) {
        const std::uint32_t index = data_->chain_entry[link];
        if (protocol_matches(data_->entries[index], protocol))
            found.push_back(index);
    }
    return found;
}

std::vector<std::uint32_t> Table::find_in_range(std::uint16_t first, std::uint16_t last,
                                                ProtocolFilter protocol) const
{
    std::vector<std::uint32_t> found;
    auto keep = [&](std::uint32_t index) {
        if (protocol_matches(data_->entries[index], protocol))
            found.push_back(index);
    };
    for (std::uint32_t index : data_->by_first_port.groups(first, last))
        keep(index);
    const bool any_range = !data_->ranges.empty();
    // Ranges that start before `first` and reach into it, from the leaf up to the root.
    for (std::uint32_t node = first + port_count; any_range && node >= 1; node >>= 1U)
        for (std::uint32_t index : data_->ranges.group(node))
            if (data_->entries[index].port_first < first)
                keep(index);
    // Each port's group is in file order; several groups, or ranges, need merging.
    if (first != last || any_range)
        std::ranges::sort(found);
    return found;
}

std::vector<std::uint32_t> Table::find_by_port(std::uint16_t port, ProtocolFilter protocol) const
{
    return find_in_range(port, port, protocol);
}

std::vector<std::string_view> Table::names_with_prefix(std::string_view prefix) const
{
    std::call_once(data_->sorted_names_built, [this] {
        auto& names = data_->sorted_names;
        names = data_->keys;
        std::ranges::sort(names);
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
    std::string needle(text);
    std::ranges::transform(needle, needle.begin(), lower);
    std::vector<std::uint32_t> found;
    for (std::uint32_t index = 0; index < data_->entries.size(); ++index) {
        const Entry& entry = data_->entries[index];
        if (!protocol_matches(entry, protocol))
            continue;
        const bool hit = contains_ignoring_case(entry.name, needle) ||
                         contains_ignoring_case(entry.comment, needle) ||
                         std::ranges::any_of(entry.aliases, [&](std::string_view alias) {
                             return contains_ignoring_case(alias, needle);
                         });
        if (hit)
            found.push_back(index);
    }
    return found;
}

} // namespace portent::services
