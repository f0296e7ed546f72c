#include "services/table.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

namespace portent::services {

namespace {

constexpr std::uint32_t port_count = 65536;
constexpr std::uint32_t none = 0xFFFFFFFF;

// Up to 8 bytes of `data` as a number, read without going past `size`.
std::uint64_t load_up_to_8(const char* data, std::size_t size)
{
    std::uint64_t value = 0;
    if (size >= 4) { // two overlapping 4-byte reads
        std::uint32_t low = 0;
        std::uint32_t high = 0;
        std::memcpy(&low, data, 4);
        std::memcpy(&high, data + size - 4, 4);
        value = (static_cast<std::uint64_t>(high) << 32U) | low;
    } else if (size > 0) {
        value = static_cast<std::uint64_t>(static_cast<unsigned char>(data[0])) << 16U |
                static_cast<std::uint64_t>(static_cast<unsigned char>(data[size / 2])) << 8U |
                static_cast<unsigned char>(data[size - 1]);
    }
    return value;
}

// The high and low halves of a 128-bit product, folded: a strong mix in one multiplication.
__extension__ using Wide = unsigned __int128; // GCC and Clang on 64-bit targets

std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
    const Wide product = static_cast<Wide>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64U);
}

// A hash of names (8 bytes a step, so that a typical service name takes one multiplication).
std::uint64_t hash(std::string_view text)
{
    constexpr std::uint64_t seed = 0x9E3779B97F4A7C15ULL;
    constexpr std::uint64_t step = 0xD6E8FEB86659FD93ULL;
    const char* data = text.data();
    std::size_t size = text.size();
    std::uint64_t value = seed ^ size;
    while (size > 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, data, 8);
        value = mix(value ^ word, step);
        data += 8;
        size -= 8;
    }
    return mix(value ^ load_up_to_8(data, size), step);
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

// Equality of short texts (names, protocols) without a call to memcmp.
bool same_text(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i])
            return false;
    return true;
}

bool protocol_matches(const Entry& entry, ProtocolFilter protocol)
{
    return !protocol || same_text(entry.protocol, *protocol);
}

// Entry indices sorted by a small integer key (a port, a segment-tree node), equal keys in
// file order; the entries of a key are found by binary search.
struct KeyedIndices
{
    static constexpr unsigned bucket_bits = 4; // 16 keys a bucket
    std::vector<std::uint32_t> keys;           // ascending
    std::vector<std::uint32_t> indices;
    std::vector<std::uint32_t> bucket_starts; // where the keys of each bucket start
    std::uint32_t bucket_count = 0;

    [[nodiscard]] bool empty() const { return keys.empty(); }
    // The entries of keys first..last: a binary search for the start, then as many as there
    // are (a caller walks them all anyway).
    [[nodiscard]] std::span<const std::uint32_t> groups(std::uint32_t first, std::uint32_t last) const
    {
        std::size_t end = lower_bound(first);
        const std::size_t begin = end;
        while (end < keys.size() && keys[end] <= last)
            ++end;
        return {indices.data() + begin, indices.data() + end};
    }
    [[nodiscard]] std::span<const std::uint32_t> group(std::uint32_t key) const { return groups(key, key); }

    // The position of the first key not below `key`: the bucket of the key's high bits, then a
    // search without branches on the data inside it (a few keys at most in real files).
    [[nodiscard]] std::size_t lower_bound(std::uint32_t key) const
    {
        if (bucket_starts.empty()) // never built
            return 0;
        const std::uint32_t bucket = std::min<std::uint32_t>(key >> bucket_bits, bucket_count);
        const std::uint32_t* base = keys.data() + bucket_starts[bucket];
        std::size_t length = bucket_starts[std::min(bucket + 1, bucket_count)] - bucket_starts[bucket];
        if (length == 0)
            return bucket_starts[bucket];
        while (length > 1) {
            const std::size_t half = length / 2;
            base += base[half - 1] < key ? half : 0;
            length -= half;
        }
        return static_cast<std::size_t>(base - keys.data()) + (*base < key ? 1 : 0);
    }

    // `for_each_key(index, add)` calls add(key) for every key (below 2^key_bits) the entry has.
    template <typename KeysOf> void build(unsigned key_bits, std::uint32_t entry_count, KeysOf&& for_each_key)
    {
        keys.reserve(entry_count); // one key an entry, but for ranges
        indices.reserve(entry_count);
        for (std::uint32_t index = 0; index < entry_count; ++index)
            for_each_key(index, [&](std::uint32_t key) {
                keys.push_back(key);
                indices.push_back(index);
            });
        if (!std::ranges::is_sorted(keys)) // files are usually in port order
            sort_by_key(key_bits);
        bucket_count = (1U << (key_bits - bucket_bits)) + 1;
        bucket_starts.assign(bucket_count + 1, 0);
        for (std::uint32_t key : keys)
            ++bucket_starts[(key >> bucket_bits) + 1];
        for (std::uint32_t bucket = 1; bucket <= bucket_count; ++bucket)
            bucket_starts[bucket] += bucket_starts[bucket - 1];
    }

    void sort_by_key(unsigned key_bits)
    {
        // Least significant digit first, a byte a pass: each pass is stable, so equal keys
        // keep their file order.
        std::vector<std::uint32_t> sorted_keys(keys.size()), sorted_indices(keys.size());
        for (unsigned shift = 0; shift < key_bits; shift += 8) {
            std::array<std::uint32_t, 257> starts{};
            for (std::uint32_t key : keys)
                ++starts[((key >> shift) & 0xFFU) + 1];
            for (std::size_t digit = 1; digit < starts.size(); ++digit)
                starts[digit] += starts[digit - 1];
            for (std::size_t i = 0; i < keys.size(); ++i) {
                const std::uint32_t position = starts[(keys[i] >> shift) & 0xFFU]++;
                sorted_keys[position] = keys[i];
                sorted_indices[position] = indices[i];
            }
            keys.swap(sorted_keys);
            indices.swap(sorted_indices);
        }
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
    std::vector<std::shared_ptr<const void>> owners;
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

    KeyedIndices by_first_port; // every entry with a port, by its first port
    KeyedIndices ranges;        // range entries, by segment-tree node (empty when none)

    mutable std::once_flag sorted_names_built;
    mutable std::vector<std::string_view> sorted_names;

    void index_names();
    void add_name(std::string_view key, std::uint32_t entry);
    [[nodiscard]] std::uint32_t find_key(std::string_view key) const;
    void index_ports();
    template <typename Visit>
    void visit_name(std::string_view name, ProtocolFilter protocol, Visit&& visit) const;
    template <typename Visit>
    void visit_ports(std::uint16_t first, std::uint16_t last, ProtocolFilter protocol, Visit&& visit) const;
};

std::uint32_t Table::Data::find_key(std::string_view key) const
{
    if (slots.empty())
        return none;
    const std::size_t mask = slots.size() - 1;
    for (std::size_t slot = hash(key) & mask;; slot = (slot + 1) & mask) {
        const std::uint32_t id = slots[slot];
        if (id == none || same_text(keys[id], key))
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
    by_first_port.build(16, count, [&](std::uint32_t index, auto&& add) {
        if (entries[index].has_port)
            add(entries[index].port_first);
    });
    const bool any_range = std::ranges::any_of(entries, [](const Entry& e) { return e.is_range(); });
    if (!any_range)
        return;
    ranges.build(17, count, [&](std::uint32_t index, auto&& add) {
        const Entry& entry = entries[index];
        if (entry.is_range())
            for_each_covering_node(entry.port_first, entry.port_last, add);
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

template <typename Visit>
void Table::Data::visit_name(std::string_view name, ProtocolFilter protocol, Visit&& visit) const
{
    const std::uint32_t id = find_key(name);
    if (id == none)
        return;
    for (std::uint32_t link = key_head[id]; link != none; link = chain_next[link]) {
        const std::uint32_t index = chain_entry[link];
        if (protocol_matches(entries[index], protocol) && !visit(index))
            return;
    }
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
            if (entries[index].port_first < first && protocol_matches(entries[index], protocol))
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
    std::vector<std::string> words; // lower-case
    for (std::size_t end = 0;;) {
        const std::size_t begin = text.find_first_not_of(" \t\n\v\f\r", end);
        if (begin == std::string_view::npos)
            break;
        end = std::min(text.find_first_of(" \t\n\v\f\r", begin), text.size());
        std::string& word = words.emplace_back(text.substr(begin, end - begin));
        std::ranges::transform(word, word.begin(), lower);
    }
    std::vector<std::uint32_t> found;
    if (words.empty())
        return found;
    for (std::uint32_t index = 0; index < data_->entries.size(); ++index) {
        const Entry& entry = data_->entries[index];
        if (!protocol_matches(entry, protocol))
            continue;
        const bool hit = std::ranges::all_of(words, [&](const std::string& word) {
            return contains_ignoring_case(entry.name, word) || contains_ignoring_case(entry.comment, word) ||
                   std::ranges::any_of(entry.aliases, [&](std::string_view alias) {
                       return contains_ignoring_case(alias, word);
                   });
        });
        if (hit)
            found.push_back(index);
    }
    return found;
}

} // namespace portent::services
