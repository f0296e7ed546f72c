#include "services/table/name_index.hpp"

#include <algorithm>
#include <bit>
#include <utility>

namespace portent::services::table_index {

void NameIndex::ids_of(std::uint32_t index, bool add, std::vector<std::uint32_t>& ids)
{
    ids.clear();
    const Entry& entry = entries_[index];
    // An alias that repeats the name or another alias is found again: its key is the same.
    const auto id_of = [&](std::string_view word) {
        const std::uint64_t key_hash = hash(word);
        const std::size_t slot = slot_of(word, key_hash);
        if (slots_[slot] != none)
            return ids.push_back(slots_[slot] & id_mask_);
        if (!add)
            return;
        const auto id = static_cast<std::uint32_t>(keys_.size());
        slots_[slot] = id | mark_of(key_hash);
        keys_.push_back({index, entry.offset_of(word)});
        starts_.push_back(0);
        ids.push_back(id);
    };
    if (!entry.name().empty())
        id_of(entry.name());
    for (const std::string_view alias : entry.aliases())
        id_of(alias);
    if (ids.size() > 1) {
        std::ranges::sort(ids);
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    }
}

void NameIndex::prefetch_slots(std::uint32_t index) const
{
    const Entry& entry = entries_[index];
    if (!entry.name().empty())
        __builtin_prefetch(&slots_[home_of(hash(entry.name()))]);
    for (const std::string_view alias : entry.aliases())
        __builtin_prefetch(&slots_[home_of(hash(alias))]);
}

void NameIndex::build(std::span<const Entry> entries)
{
    entries_ = entries;
    std::size_t name_count = 0;
    for (const Entry& entry : entries)
        name_count += (entry.name().empty() ? 0 : 1) + entry.aliases().size();
    // At most three quarters full when every name is distinct; untouched reserved memory costs
    // no pages, so the vectors are reserved for that case and never copied as they grow.
    slots_.assign(std::max<std::size_t>(16, name_count + name_count / 3 + 1), none);
    // Ids below name_count fit in id_bits_ bits, and are never all ones: no slot reads as none.
    id_bits_ = std::max<unsigned>(1, static_cast<unsigned>(std::bit_width(name_count)));
    id_mask_ = id_bits_ >= 32 ? none : (std::uint32_t{1} << id_bits_) - 1;
    keys_.reserve(name_count);
    starts_.reserve(name_count + 1);
    // The keys, and how many entries hold each; then each entry in its key's runs. A small
    // table notes the keys of each entry as it goes; a large one, where that note would take
    // 8 bytes a name, finds them again, the slots of the entries ahead asked for in advance.
    const bool large = name_count >= large_name_count;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> noted; // key id, entry index
    std::vector<std::uint32_t> ids;
    const auto count = static_cast<std::uint32_t>(entries.size());
    for (std::uint32_t index = 0; index < count; ++index) {
        if (large && index + prefetch_distance < count)
            prefetch_slots(index + prefetch_distance);
        ids_of(index, true, ids);
        for (const std::uint32_t id : ids) {
            ++starts_[id];
            if (!large)
                noted.emplace_back(id, index);
        }
    }
    if (large && keys_.size() + keys_.size() / 3 + 1 < slots_.size() - slots_.size() / 4)
        resize_slots(); // names repeat: fewer slots hold the distinct ones
    std::uint32_t total = 0;
    for (std::uint32_t& start : starts_)
        total += std::exchange(start, total);
    starts_.push_back(total);
    holders_.resize(total);
    for (const auto& [id, index] : noted)
        holders_[starts_[id]++] = index;
    for (std::uint32_t index = 0; large && index < count; ++index) {
        if (index + prefetch_distance < count)
            prefetch_slots(index + prefetch_distance);
        ids_of(index, false, ids);
        for (const std::uint32_t id : ids)
            holders_[starts_[id]++] = index;
    }
    // Each start has moved to where its run ends, the next one's start.
    for (std::size_t id = starts_.size() - 1; id > 0; --id)
        starts_[id] = starts_[id - 1];
    starts_[0] = 0;
}

void NameIndex::resize_slots()
{
    slots_ = std::vector<std::uint32_t>(); // given back before the smaller one is taken (not `= {}`)
    slots_.assign(std::max<std::size_t>(16, keys_.size() + keys_.size() / 3 + 1), none);
    // In id order the keys' entries and text are read in file order; only the slots jump.
    const auto count = static_cast<std::uint32_t>(keys_.size());
    std::vector<std::uint64_t> hashes(prefetch_distance);
    const auto hash_of = [&](std::uint32_t id) { return hash(text_of(keys_[id])); };
    for (std::uint32_t id = 0; id < std::min(count, prefetch_distance); ++id)
        hashes[id] = hash_of(id);
    for (std::uint32_t id = 0; id < count; ++id) {
        const std::uint64_t key_hash = hashes[id % prefetch_distance];
        if (id + prefetch_distance < count) {
            const std::uint64_t ahead = hash_of(id + prefetch_distance);
            __builtin_prefetch(&slots_[home_of(ahead)]);
            hashes[id % prefetch_distance] = ahead;
        }
        std::size_t slot = home_of(key_hash);
        while (slots_[slot] != none)
            slot = next_slot(slot);
        slots_[slot] = id | mark_of(key_hash);
    }
}

std::vector<std::string_view> NameIndex::keys() const
{
    std::vector<std::string_view> texts;
    texts.reserve(keys_.size());
    for (const Key key : keys_)
        texts.push_back(text_of(key));
    return texts;
}

} // namespace portent::services::table_index
