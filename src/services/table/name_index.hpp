#pragma once

#include "services/entry.hpp"

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

// Inside the table: every name and alias, and the entries that hold it.
namespace portent::services::table_index {

inline constexpr std::uint32_t none = 0xFFFFFFFF;

// Up to 8 bytes of `data` as a number, read without going past `size`.
inline std::uint64_t load_up_to_8(const char* data, std::size_t size)
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

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
    const Wide product = static_cast<Wide>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64U);
}

// A hash of names (8 bytes a step, so that a typical service name takes one multiplication).
inline std::uint64_t hash(std::string_view text)
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

// Names and aliases: open addressing over distinct keys; the entries of each key, in file
// order, are one run of an array (a key's run starts where the one before it ends). A key is
// kept as the first entry that holds it and where the word starts in that entry's text, not
// as a view of the text: 8 bytes rather than 16 of a large table's millions of names.
class NameIndex
{
public:
    // The entries must outlive the index and stay where they are.
    void build(std::span<const Entry> entries);

    // Calls visit(index) for each entry that holds `name`, in file order, until it returns false.
    template <typename Visit> void visit(std::string_view name, Visit&& visit) const
    {
        const std::uint32_t id = find(name);
        // The first entry of a key's run is the one the key names, already read to find it.
        if (id == none || !visit(keys_[id].entry))
            return;
        for (std::uint32_t at = starts_[id] + 1, end = starts_[id + 1]; at < end; ++at)
            if (!visit(holders_[at]))
                return;
    }

    // Every distinct name and alias, in the order first seen.
    [[nodiscard]] std::vector<std::string_view> keys() const;

private:
    struct Key
    {
        std::uint32_t entry;  // the first entry that holds it
        std::uint32_t offset; // Entry::word_at()
    };
    [[nodiscard]] std::string_view text_of(Key key) const { return entries_[key.entry].word_at(key.offset); }
    [[nodiscard]] bool holds(Key key, std::string_view text) const
    {
        return entries_[key.entry].word_at_is(key.offset, text);
    }
    // The first slot to look at: the low half of the hash scaled to the slot count (the high
    // half gives the mark).
    [[nodiscard]] std::size_t home_of(std::uint64_t key_hash) const
    {
        return static_cast<std::size_t>(((key_hash & 0xFFFFFFFFU) * slots_.size()) >> 32U);
    }
    [[nodiscard]] std::size_t next_slot(std::size_t slot) const
    {
        return slot + 1 == slots_.size() ? 0 : slot + 1;
    }
    // The slot of `key`, or the empty slot where it would go.
    [[nodiscard]] std::size_t slot_of(std::string_view key, std::uint64_t key_hash) const
    {
        const std::uint32_t mark = mark_of(key_hash);
        std::size_t slot = home_of(key_hash);
        while (slots_[slot] != none &&
               ((slots_[slot] & ~id_mask_) != mark || !holds(keys_[slots_[slot] & id_mask_], key)))
            slot = next_slot(slot);
        return slot;
    }
    [[nodiscard]] std::uint32_t find(std::string_view key) const
    {
        if (slots_.empty())
            return none;
        const std::uint32_t value = slots_[slot_of(key, hash(key))];
        return value == none ? none : value & id_mask_;
    }
    // The bits of a slot above the key id hold bits of the key's hash: most slots of other keys
    // are passed by without reading their text, which in a large table is two cache misses.
    [[nodiscard]] std::uint32_t mark_of(std::uint64_t key_hash) const
    {
        return static_cast<std::uint32_t>((key_hash >> 32U) << id_bits_) & ~id_mask_;
    }
    // The ids of the distinct names and aliases of entry `index` into `ids`, each key added
    // when `add` and new.
    void ids_of(std::uint32_t index, bool add, std::vector<std::uint32_t>& ids);
    // Asks the processor for the first slots of the names of entry `index`, which a large table
    // has in no cache: the entries `prefetch_distance` ahead are on their way while one is added.
    void prefetch_slots(std::uint32_t index) const;
    // Makes the slots three quarters full at most of the keys there are, not of the names.
    void resize_slots();
    static constexpr std::uint32_t prefetch_distance = 8;
    // Names of a table whose slots (4 bytes each) the caches do not hold.
    static constexpr std::size_t large_name_count = std::size_t{1} << 18U;

    std::span<const Entry> entries_;
    std::vector<Key> keys_;
    std::vector<std::uint32_t> slots_; // key id | the mark of its hash, or none
    unsigned id_bits_ = 32;
    std::uint32_t id_mask_ = none;
    std::vector<std::uint32_t> starts_;  // where each key's run of holders_ starts; one more at the end
    std::vector<std::uint32_t> holders_; // entry indices
};

} // namespace portent::services::table_index
