#include "services/lint.hpp"

#include "services/line_text.hpp"
#include "services/name_and_protocol.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <unordered_map>

namespace portent::services {

namespace {

// The first character of `text` that drives a terminal or reorders what it shows: a C0 control
// but tab (and newline when `newline` is allowed), DEL, a C1 control (U+0080–U+009F in UTF-8), or
// a bidirectional formatting character (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
// Written "U+001B"; nullopt when there is none.
std::optional<std::string> first_control(std::string_view text, bool newline = false)
{
    const auto byte = [&](std::size_t i) {
        return i < text.size() ? static_cast<unsigned char>(text[i]) : 0U;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned code = 0x110000; // none
        if (byte(i) < 0x20 && byte(i) != '\t' && !(newline && byte(i) == '\n'))
            code = byte(i);
        else if (byte(i) == 0x7F)
            code = 0x7F;
        else if (byte(i) == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F)
            code = byte(i + 1);
        else if (byte(i) == 0xD8 && byte(i + 1) == 0x9C)
            code = 0x61C;
        else if (byte(i) == 0xE2 && (byte(i + 1) == 0x80 || byte(i + 1) == 0x81)) {
            const unsigned candidate = 0x2000U | ((byte(i + 1) & 0x3FU) << 6U) | (byte(i + 2) & 0x3FU);
            if (candidate == 0x200E || candidate == 0x200F || (candidate >= 0x202A && candidate <= 0x202E) ||
                (candidate >= 0x2066 && candidate <= 0x2069))
                code = candidate;
        }
        if (code < 0x110000) {
            char name[8];
            std::snprintf(name, sizeof name, "U+%04X", code);
            return name;
        }
    }
    return std::nullopt;
}

// A '#' inside a word (as in "al#x") starts a comment: glibc reads the word up to it.
void lint_hash_in_word(std::string_view line, std::size_t hash,
                       const std::function<void(std::string)>& report)
{
    if (hash == 0 || hash + 1 >= line.size() || is_space(line[hash - 1]) || is_space(line[hash + 1]))
        return;
    std::size_t begin = hash;
    while (begin > 0 && !is_space(line[begin - 1]))
        --begin;
    std::size_t end = hash;
    while (end < line.size() && !is_space(line[end]))
        ++end;
    report("'#' inside " + quoted(line.substr(begin, end - begin)) + " starts a comment: glibc reads " +
           quoted(line.substr(begin, hash - begin)));
}

// Control characters in each field of a line's data (the white space between them is glibc's).
void lint_fields(std::string_view data, Format format, const std::function<void(std::string)>& report)
{
    for (const auto& [separator, name] : {std::pair{'\v', "a vertical tab"}, std::pair{'\f', "a form feed"},
                                          std::pair{'\r', "a carriage return"}})
        if (data.find(separator) != std::string_view::npos)
            report(std::string(name) + " between fields: glibc reads it as a space, a terminal does not");
    std::size_t field = 0;
    for (std::size_t position = 0; position < data.size(); ++field) {
        while (position < data.size() && is_space(data[position]))
            ++position;
        const std::size_t begin = position;
        while (position < data.size() && !is_space(data[position]))
            ++position;
        const std::string_view word = data.substr(begin, position - begin);
        const char* const role = field == 0               ? "name"
                                 : field == 1             ? "port/protocol"
                                 : format == Format::nmap ? "field"
                                                          : "alias";
        if (const auto control = first_control(word))
            report("control character " + *control + " in " + role + " " + quoted(word));
    }
}

// What glibc reads otherwise than it looks, or what drives a terminal, in one line (without
// its '\n') of a services(5) or nmap-services text.
void lint_line(std::string_view line, Format format, std::uint32_t source, std::uint32_t number,
               std::vector<Diagnostic>& found)
{
    const std::function<void(std::string)> report = [&](std::string message) {
        found.push_back({source, number, std::move(message)});
    };
    line = line.substr(0, line.find('\0')); // glibc's C string ends there (the parser says so)
    if (line.ends_with('\r'))               // a CRLF line end
        line.remove_suffix(1);
    const std::size_t hash = std::min(line.find('#'), line.size());
    lint_hash_in_word(line, hash, report);
    lint_fields(line.substr(0, hash), format, report);
    if (hash < line.size())
        if (const auto control = first_control(line.substr(hash + 1)))
            report("control character " + *control + " in the comment");
}

// What an entry's fields hold that a reader would not expect.
void lint_entry(const Entry& entry, Format format, std::vector<Diagnostic>& found)
{
    auto report = [&](std::string message) {
        found.push_back({entry.source, entry.line, std::move(message)});
    };
    const std::string plain_key =
        format_ports(entry) + "/" + std::string(entry.protocol.substr(0, entry.protocol.find('/')));
    if (entry.protocol.find('/') != std::string_view::npos)
        report("protocol " + quoted(entry.protocol) + " holds a '/': glibc reads it whole, and " + plain_key +
               " does not find it");
    if (std::ranges::any_of(entry.protocol, [](char c) { return c >= 'A' && c <= 'Z'; })) {
        std::string lower(entry.protocol);
        std::ranges::transform(lower, lower.begin(), [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        });
        report("protocol " + quoted(entry.protocol) +
               " has capital letters: protocols match case-sensitively, and " + format_ports(entry) + "/" +
               lower + " does not find it");
    }
    if (format != Format::iana_csv) // the lines were looked at whole
        return;
    for (const auto& [role, text] : {std::pair{"name", entry.name}, std::pair{"protocol", entry.protocol}})
        if (const auto control = first_control(text))
            report("control character " + *control + " in " + role + " " + quoted(text));
    if (const auto control = first_control(entry.comment, true))
        report("control character " + *control + " in the description");
}

} // namespace

std::vector<Diagnostic> lint(const Table& table)
{
    std::vector<Diagnostic> found(table.diagnostics().begin(), table.diagnostics().end());
    const auto entries = table.entries();
    // One pass in file order: the first entry of each name/protocol, whatever its source.
    std::unordered_map<NameAndProtocol, std::uint32_t, NameAndProtocolHash> first_of;
    first_of.reserve(entries.size());
    for (std::uint32_t index = 0; index < entries.size(); ++index) {
        const Entry& entry = entries[index];
        // Only services(5) files answer getservbyname(3); the IANA registry and nmap-services
        // list a name on several ports by design.
        const bool checked = table.sources()[entry.source].format == Format::services;
        auto check = [&](std::string_view key) {
            const auto [place, added] = first_of.try_emplace({key, entry.protocol}, index);
            if (added || place->second == index || !checked)
                return;
            const Entry& earlier = table.entry(place->second);
            std::string where = "line " + std::to_string(earlier.line);
            if (earlier.source != entry.source)
                where = table.sources()[earlier.source].name + ":" + std::to_string(earlier.line);
            found.push_back({entry.source, entry.line,
                             "duplicate '" + std::string(key) + "/" + std::string(entry.protocol) +
                                 "': " + where + " defines it first"});
        };
        if (!entry.name.empty())
            check(entry.name);
        for (std::string_view alias : entry.aliases)
            check(alias);
        lint_entry(entry, table.sources()[entry.source].format, found);
    }
    for (std::uint32_t index = 0; index < table.sources().size(); ++index) {
        const Source& source = table.sources()[index];
        if (source.format == Format::iana_csv) // records may span lines; its entries were looked at
            continue;
        std::uint32_t number = source.first_line;
        for (std::string_view text = source.text; !text.empty(); ++number) {
            const std::size_t end = std::min(text.find('\n'), text.size());
            lint_line(text.substr(0, end), source.format, index, number, found);
            text.remove_prefix(std::min(end + 1, text.size()));
        }
    }
    std::ranges::stable_sort(found, [](const Diagnostic& a, const Diagnostic& b) {
        return a.source != b.source ? a.source < b.source : a.line < b.line;
    });
    return found;
}

} // namespace portent::services
