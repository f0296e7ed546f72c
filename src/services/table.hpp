#pragma once

#include "services/entry.hpp"
#include "services/parse.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace portent::services {

// A part the table read: the name of its source (a file path, "embedded", "(standard input)"),
// its format, and the text that was parsed, which the table keeps alive (or which outlives it,
// as the embedded database does): a whole source, or the records of one that a scan kept
// (load_first_matches(), load_all_matches(), prefix_matches(), …).
struct Source
{
    std::string name;
    Format format = Format::services;
    std::string_view text;
    std::uint32_t first_line = 1; // the line number of the text's first line in its file
};

// An optional protocol filter. nullopt matches every protocol; "" matches only entries without
// one (as glibc does for the key "80/").
using ProtocolFilter = std::optional<std::string_view>;

// The immutable, indexed services table. Every lookup returns entry indices in file order
// (sources in the order they were added), so the first index is the entry glibc would return.
class Table
{
public:
    // One source to read: its text, and what keeps that text alive as long as the table
    // (nothing for text that outlives it, such as the embedded database).
    struct Part
    {
        std::string name;
        std::optional<Format> format; // nullopt: detected from the text
        std::string_view text;
        std::shared_ptr<const void> owner;
        std::uint32_t first_line = 1; // the line number of the text's first line in its file
        // When not empty, the number in its file of each line of `text`, which then holds some
        // records of a file (what a scan kept), each whole; `first_line` is the first of them.
        std::vector<std::uint32_t> line_numbers = {};

        // A part that owns `text`.
        static Part holding(std::string name, std::optional<Format> format, std::string text);
    };

    Table();
    explicit Table(std::vector<Part> parts);
    Table(Table&&) noexcept;
    Table& operator=(Table&&) noexcept;
    ~Table();

    [[nodiscard]] std::span<const Entry> entries() const;
    [[nodiscard]] const Entry& entry(std::uint32_t index) const { return entries()[index]; }
    [[nodiscard]] std::span<const Diagnostic> diagnostics() const;
    [[nodiscard]] std::span<const Source> sources() const;

    // Entries whose name or one of whose aliases is exactly `name` (case-sensitive, as glibc).
    [[nodiscard]] std::vector<std::uint32_t> find_by_name(std::string_view name,
                                                          ProtocolFilter protocol = {}) const;
    // The first of find_by_name(), without allocating: what getservbyname(3) returns.
    [[nodiscard]] std::optional<std::uint32_t> first_by_name(std::string_view name,
                                                             ProtocolFilter protocol = {}) const
    {
        return found(first_index_by_name(name, protocol.has_value(), protocol.value_or(std::string_view())));
    }
    // Entries whose port, or port range, holds `port`.
    [[nodiscard]] std::vector<std::uint32_t> find_by_port(std::uint16_t port,
                                                          ProtocolFilter protocol = {}) const;
    // The first of find_by_port(), without allocating: what getservbyport(3) returns.
    [[nodiscard]] std::optional<std::uint32_t> first_by_port(std::uint16_t port,
                                                             ProtocolFilter protocol = {}) const
    {
        return found(first_index_by_port(port, protocol.has_value(), protocol.value_or(std::string_view())));
    }
    // Entries with a port in [first, last], or a range that overlaps it.
    [[nodiscard]] std::vector<std::uint32_t> find_in_range(std::uint16_t first, std::uint16_t last,
                                                           ProtocolFilter protocol = {}) const;
    // Distinct names and aliases that start with `prefix`, sorted.
    [[nodiscard]] std::vector<std::string_view> names_with_prefix(std::string_view prefix) const;
    // Entries that hold every word of `text` (split at white space) in the name, an alias or
    // the comment, each word anywhere in any of them, ignoring ASCII case; none for no word.
    [[nodiscard]] std::vector<std::uint32_t> search(std::string_view text,
                                                    ProtocolFilter protocol = {}) const;

private:
    // The first lookups, without optionals (no_entry: none; see table.cpp).
    static constexpr std::uint32_t no_entry = 0xFFFFFFFF;
    [[nodiscard]] static std::optional<std::uint32_t> found(std::uint32_t index)
    {
        return index == no_entry ? std::nullopt : std::optional<std::uint32_t>(index);
    }
    [[nodiscard]] std::uint32_t first_index_by_name(std::string_view name, bool filtered,
                                                    std::string_view protocol) const;
    [[nodiscard]] std::uint32_t first_index_by_port(std::uint16_t port, bool filtered,
                                                    std::string_view protocol) const;

    struct Data;
    std::unique_ptr<Data> data_;
};

} // namespace portent::services
