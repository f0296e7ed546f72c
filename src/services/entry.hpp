#pragma once

#include "services/line_text.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace portent::services {

// The aliases of an entry: the words of the text that follows PORT/PROTO on a services(5) line
// (up to a '#' or a NUL), split at white space as glibc splits them (next_token()), found as
// they are walked rather than stored: a table then costs no memory per alias.
class Aliases
{
public:
    class Iterator
    {
    public:
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;

        Iterator() = default;
        explicit Iterator(std::string_view rest) : rest_(rest) { advance(); }
        std::string_view operator*() const { return word_; }
        const std::string_view* operator->() const { return &word_; }
        Iterator& operator++()
        {
            advance();
            return *this;
        }
        Iterator operator++(int)
        {
            Iterator before = *this;
            advance();
            return before;
        }
        friend bool operator==(const Iterator& a, const Iterator& b)
        {
            return a.word_.data() == b.word_.data();
        }

    private:
        void advance()
        {
            word_ = next_token(rest_);
            if (word_.empty())
                word_ = {}; // the end
        }

        std::string_view rest_;
        std::string_view word_;
    };

    Aliases() = default;
    // The text after PORT/PROTO, without the comment.
    explicit Aliases(std::string_view text) : text_(text) {}

    [[nodiscard]] Iterator begin() const { return Iterator(text_); }
    [[nodiscard]] static Iterator end() { return {}; }
    [[nodiscard]] bool empty() const { return begin() == end(); }
    [[nodiscard]] std::size_t size() const
    {
        std::size_t count = 0;
        for (auto it = begin(); it != end(); ++it)
            ++count;
        return count;
    }

private:
    std::string_view text_;
};

// One service record: a line of a services(5) or nmap-services file, or a row of the IANA
// registry, in 48 bytes: a large table is mostly entries. Its text fields view memory owned by
// the Table (or ParseResult) that holds the entry, as offsets from the start of its name: they
// are set together (set_text()) and must then lie in one block of memory, at or after the name,
// as the fields of one line do. An entry holds aliases or an open-frequency, never both: nmap-
// services lines have no aliases.
class Entry
{
public:
    [[nodiscard]] std::string_view name() const { return {base_, name_size_}; } // may be empty (IANA rows)
    // "tcp", "udp", …; empty when the source gives none.
    [[nodiscard]] std::string_view protocol() const { return {base_ + protocol_offset_, protocol_size_}; }
    [[nodiscard]] Aliases aliases() const
    {
        return has_frequency_ ? Aliases() : Aliases({base_ + low(extra_), high(extra_)});
    }
    // The trailing `# comment`, or the IANA description.
    [[nodiscard]] std::string_view comment() const { return {base_ + comment_offset_, comment_size_}; }
    // The nmap-services open-frequency.
    [[nodiscard]] std::optional<double> frequency() const
    {
        return has_frequency_ ? std::optional<double>(std::bit_cast<double>(extra_)) : std::nullopt;
    }
    [[nodiscard]] bool has_frequency() const { return has_frequency_; }
    [[nodiscard]] bool has_port() const { return has_port_; } // IANA rows may register a name without one
    [[nodiscard]] std::uint16_t port_first() const { return port_first_; }
    // == port_first() unless the entry is a range (IANA 6000-6063).
    [[nodiscard]] std::uint16_t port_last() const { return port_last_; }
    [[nodiscard]] bool is_range() const { return has_port_ && port_last_ != port_first_; }
    [[nodiscard]] std::uint32_t source() const { return source_; } // the index of its source (file)
    [[nodiscard]] std::uint32_t line() const { return line_; }     // 1-based line where the record starts

    // The text fields, all in one block at or after name.data() and within 4 GiB of it
    // (fits_in_entry()); an empty field may be {} anywhere. Clears the frequency when `aliases`
    // is not empty.
    void set_text(std::string_view name, std::string_view protocol, std::string_view aliases,
                  std::string_view comment)
    {
        base_ = name.data() != nullptr ? name.data() : first_data(protocol, aliases, comment);
        name_size_ = static_cast<std::uint32_t>(name.size());
        protocol_offset_ = offset_of(protocol);
        protocol_size_ = static_cast<std::uint32_t>(protocol.size());
        comment_offset_ = offset_of(comment);
        comment_size_ = static_cast<std::uint32_t>(comment.size());
        set_aliases(aliases);
    }
    // Aliases in the block of set_text().
    void set_aliases(std::string_view aliases)
    {
        has_frequency_ = false;
        extra_ = offset_of(aliases) | (static_cast<std::uint64_t>(aliases.size()) << 32U);
    }
    // Replaces the aliases (an entry holds one or the other).
    void set_frequency(double frequency)
    {
        has_frequency_ = true;
        extra_ = std::bit_cast<std::uint64_t>(frequency);
    }
    void set_ports(std::uint16_t first, std::uint16_t last)
    {
        port_first_ = first;
        port_last_ = last;
        has_port_ = true;
    }
    void set_no_port()
    {
        port_first_ = port_last_ = 0;
        has_port_ = false;
    }
    // `source` is below max_sources.
    void set_source(std::uint32_t source) { source_ = source & (max_sources - 1); }
    void set_line(std::uint32_t line) { line_ = line; }

    // How many sources entries can tell apart.
    static constexpr std::uint32_t max_sources = std::uint32_t{1} << 30U;
    // Whether a record of `size` bytes can hold its fields as offsets.
    [[nodiscard]] static constexpr bool fits_in_entry(std::size_t size) { return size <= 0xFFFFFFFFU; }

    // Where `field` (in the block of set_text()) starts, as an offset from the name; 0 when empty.
    [[nodiscard]] std::uint32_t offset_of(std::string_view field) const
    {
        return field.empty() ? 0 : static_cast<std::uint32_t>(field.data() - base_);
    }
    // Whether word_at(offset) is `word`, without first finding where it ends.
    [[nodiscard]] bool word_at_is(std::uint32_t offset, std::string_view word) const
    {
        if (offset == 0)
            return same_text(name(), word);
        const std::size_t end = std::size_t{low(extra_)} + high(extra_);
        if (offset + word.size() > end || !same_text({base_ + offset, word.size()}, word))
            return false;
        return offset + word.size() == end || is_space(base_[offset + word.size()]);
    }
    // The word of the name or an alias that starts `offset` bytes into the text: the name for
    // 0, else the alias there (for the name index, which keeps a word as an entry and this).
    [[nodiscard]] std::string_view word_at(std::uint32_t offset) const
    {
        if (offset == 0)
            return name();
        const char* const begin = base_ + offset;
        const char* const end = base_ + low(extra_) + high(extra_);
        const char* position = begin;
        while (position < end && !is_space(*position))
            ++position;
        return {begin, static_cast<std::size_t>(position - begin)};
    }

private:
    static std::uint32_t low(std::uint64_t value) { return static_cast<std::uint32_t>(value); }
    static std::uint32_t high(std::uint64_t value) { return static_cast<std::uint32_t>(value >> 32U); }
    static const char* first_data(std::string_view protocol, std::string_view aliases,
                                  std::string_view comment)
    {
        for (const std::string_view field : {protocol, aliases, comment})
            if (!field.empty())
                return field.data();
        return nullptr;
    }

    const char* base_ = nullptr; // where the name starts
    std::uint32_t name_size_ = 0;
    std::uint32_t protocol_offset_ = 0;
    std::uint32_t protocol_size_ = 0;
    std::uint32_t comment_offset_ = 0;
    std::uint32_t comment_size_ = 0;
    std::uint16_t port_first_ = 0;
    std::uint16_t port_last_ = 0;
    std::uint64_t extra_ = 0; // the aliases (offset, size << 32), or the frequency's bits
    std::uint32_t line_ = 0;
    std::uint32_t source_ : 30 = 0;
    std::uint32_t has_port_ : 1 = 0;
    std::uint32_t has_frequency_ : 1 = 0;
};

static_assert(sizeof(Entry) == 48);

// IANA's three port classes (RFC 6335): system 0–1023, user 1024–49151, dynamic 49152–65535.
enum class PortClass
{
    system,
    user,
    dynamic
};

[[nodiscard]] constexpr PortClass port_class(std::uint16_t port)
{
    if (port <= 1023)
        return PortClass::system;
    if (port <= 49151)
        return PortClass::user;
    return PortClass::dynamic;
}

[[nodiscard]] constexpr std::string_view to_string(PortClass port_class)
{
    switch (port_class) {
    case PortClass::system: return "system";
    case PortClass::user: return "user";
    case PortClass::dynamic: return "dynamic";
    }
    return "";
}

// "80", "6000-6063", or "" for an entry without a port.
[[nodiscard]] std::string format_ports(const Entry& entry);

} // namespace portent::services
