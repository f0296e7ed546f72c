#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

// Inside the table: entries by port, and port ranges by the nodes of a segment tree.
namespace portent::services::table_index {

inline constexpr std::uint32_t port_count = 65536;

// Entry indices sorted by a small integer key (a port, a segment-tree node), equal keys in
// file order; the entries of a key are found by binary search in a bucket of 16 keys, or, when
// there are at least as many entries as possible keys, where each key's start says (and the
// keys themselves are not kept).
struct KeyedIndices
{
    static constexpr unsigned bucket_bits = 4; // 16 keys a bucket
    std::vector<std::uint32_t> keys;           // ascending; none when direct
    std::vector<std::uint32_t> indices;
    std::vector<std::uint32_t> bucket_starts; // where the keys of each bucket start (of each key when direct)
    std::uint32_t bucket_count = 0;
    bool direct = false;

    [[nodiscard]] bool empty() const { return indices.empty(); }
    // The entries of keys first..last: a binary search for the start, then as many as there
    // are (a caller walks them all anyway).
    [[nodiscard]] std::span<const std::uint32_t> groups(std::uint32_t first, std::uint32_t last) const
    {
        if (direct) {
            const std::size_t after = std::min<std::size_t>(std::size_t{last} + 1, bucket_starts.size() - 1);
            return {indices.data() + bucket_starts[std::min<std::size_t>(first, after)],
                    indices.data() + bucket_starts[after]};
        }
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
        direct = entry_count >= (std::size_t{1} << key_bits);
        if (direct) {
            build_direct(key_bits, entry_count, for_each_key);
            return;
        }
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
        starts_of_counts(bucket_starts);
    }

    // Where each key starts, from a count of each, then each index in its place: for_each_key
    // is called twice an entry, and nothing is copied or sorted.
    template <typename KeysOf>
    void build_direct(unsigned key_bits, std::uint32_t entry_count, KeysOf&& for_each_key)
    {
        bucket_starts.assign((std::size_t{1} << key_bits) + 1, 0);
        for (std::uint32_t index = 0; index < entry_count; ++index)
            for_each_key(index, [&](std::uint32_t key) { ++bucket_starts[key + 1]; });
        starts_of_counts(bucket_starts);
        std::vector<std::uint32_t> places = bucket_starts; // where the next index of each key goes
        indices.resize(bucket_starts.back());
        for (std::uint32_t index = 0; index < entry_count; ++index)
            for_each_key(index, [&](std::uint32_t key) { indices[places[key]++] = index; });
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
            starts_of_counts(starts);
            for (std::size_t i = 0; i < keys.size(); ++i) {
                const std::uint32_t position = starts[(keys[i] >> shift) & 0xFFU]++;
                sorted_keys[position] = keys[i];
                sorted_indices[position] = indices[i];
            }
            keys.swap(sorted_keys);
            indices.swap(sorted_indices);
        }
    }

    // Counts, each of the key before, into where each key starts.
    static void starts_of_counts(std::span<std::uint32_t> counts)
    {
        for (std::size_t key = 1; key < counts.size(); ++key)
            counts[key] += counts[key - 1];
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

} // namespace portent::services::table_index
