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

// Equality of short texts (names, protocols) without a call to memcmp.
inline bool same_text(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i])
            return false;
    return true;
}

// Names and aliases: open addressing over distinct keys; each key heads a chain of the entries
// that hold it, in file order.
class NameIndex
{
public:
    void build(std::span<const Entry> entries);

    // Calls visit(index) for each entry that holds `name`, in file order, until it returns false.
    template <typename Visit> void visit(std::string_view name, Visit&& visit) const
    {
        const std::uint32_t id = find(name);
        if (id == none)
            return;
        for (std::uint32_t link = key_head_[id]; link != none; link = chain_next_[link])
            if (!visit(chain_entry_[link]))
                return;
    }

    // Every distinct name and alias, in the order first seen.
    [[nodiscard]] const std::vector<std::string_view>& keys() const { return keys_; }

private:
    [[nodiscard]] std::uint32_t find(std::string_view key) const
    {
        if (slots_.empty())
            return none;
        const std::uint64_t key_hash = hash(key);
        const std::uint32_t mark = mark_of(key_hash);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t slot = key_hash & mask;; slot = (slot + 1) & mask) {
            const std::uint32_t value = slots_[slot];
            if (value == none)
                return none;
            if ((value & ~id_mask_) == mark && same_text(keys_[value & id_mask_], key))
                return value & id_mask_;
        }
    }
    // The bits of a slot above the key id hold bits of the key's hash: most slots of other keys
    // are passed by without reading their text, which in a large table is two cache misses.
    [[nodiscard]] std::uint32_t mark_of(std::uint64_t key_hash) const
    {
        return static_cast<std::uint32_t>((key_hash >> 32U) << id_bits_) & ~id_mask_;
    }
    void add(std::string_view key, std::uint32_t entry);

    std::vector<std::string_view> keys_;
    std::vector<std::uint32_t> key_head_, key_tail_;
    std::vector<std::uint32_t> slots_; // key id | the mark of its hash, or none
    unsigned id_bits_ = 32;
    std::uint32_t id_mask_ = none;
    std::vector<std::uint32_t> chain_entry_, chain_next_;
};

} // namespace portent::services::table_index
