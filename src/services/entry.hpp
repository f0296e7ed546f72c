#pragma once

#include "services/line_text.hpp"

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
// registry. Text fields view memory owned by the Table (or ParseResult) that holds the entry.
struct Entry
{
    std::string_view name;     // may be empty (IANA rows for reserved or unassigned ports)
    std::string_view protocol; // "tcp", "udp", …; empty when the source gives none
    std::uint16_t port_first = 0;
    std::uint16_t port_last = 0; // == port_first unless the entry is a range (IANA 6000-6063)
    bool has_port = false;       // IANA rows may register a name without a port
    Aliases aliases;
    std::string_view comment;        // trailing `# comment`, or the IANA description
    std::optional<double> frequency; // nmap-services open-frequency
    std::uint32_t source = 0;        // index of the source (file) it was read from
    std::uint32_t line = 0;          // 1-based line where the record starts

    [[nodiscard]] bool is_range() const { return has_port && port_last != port_first; }
};

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
