#include "services/table/name_index.hpp"

#include <algorithm>
#include <bit>

namespace portent::services::table_index {

void NameIndex::add(std::string_view key, std::uint32_t entry)
{
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t key_hash = hash(key);
    const std::uint32_t mark = mark_of(key_hash);
    std::size_t slot = key_hash & mask;
    while (slots_[slot] != none &&
           ((slots_[slot] & ~id_mask_) != mark || keys_[slots_[slot] & id_mask_] != key))
        slot = (slot + 1) & mask;
    const auto link = static_cast<std::uint32_t>(chain_entry_.size());
    chain_entry_.push_back(entry);
    chain_next_.push_back(none);
    if (slots_[slot] == none) {
        slots_[slot] = static_cast<std::uint32_t>(keys_.size()) | mark;
        keys_.push_back(key);
        key_head_.push_back(link);
        key_tail_.push_back(link);
        return;
    }
    const std::uint32_t id = slots_[slot] & id_mask_;
    if (chain_entry_[key_tail_[id]] == entry) { // an alias that repeats the name
        chain_entry_.pop_back();
        chain_next_.pop_back();
        return;
    }
    chain_next_[key_tail_[id]] = link;
    key_tail_[id] = link;
}

void NameIndex::build(std::span<const Entry> entries)
{
    std::size_t name_count = 0;
    for (const Entry& entry : entries)
        name_count += 1 + entry.aliases().size();
    // At most two thirds full when every name is distinct; untouched reserved memory costs no
    // pages, so the vectors are reserved for that case and never copied as they grow.
    std::size_t capacity = 16;
    while (capacity < name_count + name_count / 2)
        capacity *= 2;
    slots_.assign(capacity, none);
    // Ids below name_count fit in id_bits_ bits, and are never all ones: no slot reads as none.
    id_bits_ = std::max<unsigned>(1, static_cast<unsigned>(std::bit_width(name_count)));
    id_mask_ = id_bits_ >= 32 ? none : (std::uint32_t{1} << id_bits_) - 1;
    chain_entry_.reserve(name_count);
    chain_next_.reserve(name_count);
    keys_.reserve(name_count);
    key_head_.reserve(name_count);
    key_tail_.reserve(name_count);
    for (std::uint32_t index = 0; index < entries.size(); ++index) {
        const Entry& entry = entries[index];
        if (!entry.name().empty())
            add(entry.name(), index);
        for (std::string_view alias : entry.aliases())
            add(alias, index);
    }
    key_tail_ = {}; // needed only while building
}

} // namespace portent::services::table_index
