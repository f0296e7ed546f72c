#include "services/lint.hpp"

#include "services/line_text.hpp"
#include "services/name_and_protocol.hpp"
#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <unordered_map>

namespace portent::services {

namespace {

// Whether a code point drives a terminal or reorders what it shows: a C0 control but tab (and
// newline when `newline` is allowed), DEL, a C1 control, or a bidirectional formatting character
// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
bool is_control(std::uint32_t code, bool newline)
{
    return (code < 0x20 && code != '\t' && !(newline && code == '\n')) || (code >= 0x7F && code <= 0x9F) ||
           code == 0x61C || code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
           (code >= 0x2066 && code <= 0x2069);
}

// The first character of `text` that is_control(), written "U+001B"; nullopt when there is none.
// Bytes that are not UTF-8 are passed over: they are no character.
std::optional<std::string> first_control(std::string_view text, bool newline = false)
{
    std::optional<std::string> found;
    util::utf8::for_each_code_point(text, [&](const util::utf8::CodePoint& code_point, std::string_view) {
        if (found || code_point.length == 0 || !is_control(code_point.value, newline))
            return;
        char name[8];
        std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(code_point.value));
        found = name;
    });
    return found;
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
        found.push_back({entry.source(), entry.line(), std::move(message)});
    };
    const std::string plain_key =
        format_ports(entry) + "/" + std::string(entry.protocol().substr(0, entry.protocol().find('/')));
    if (entry.protocol().find('/') != std::string_view::npos)
        report("protocol " + quoted(entry.protocol()) + " holds a '/': glibc reads it whole, and " +
               plain_key + " does not find it");
    if (std::ranges::any_of(entry.protocol(), util::is_upper))
        report("protocol " + quoted(entry.protocol()) +
               " has capital letters: protocols match case-sensitively, and " + format_ports(entry) + "/" +
               util::lowered(entry.protocol()) + " does not find it");
    if (format != Format::iana_csv) // the lines were looked at whole
        return;
    for (const auto& [role, text] :
         {std::pair{"name", entry.name()}, std::pair{"protocol", entry.protocol()}})
        if (const auto control = first_control(text))
            report("control character " + *control + " in " + role + " " + quoted(text));
    if (const auto control = first_control(entry.comment(), true))
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
        const bool checked = table.sources()[entry.source()].format == Format::services;
        auto check = [&](std::string_view key) {
            const auto [place, added] = first_of.try_emplace({key, entry.protocol()}, index);
            if (added || place->second == index || !checked)
                return;
            const Entry& earlier = table.entry(place->second);
            std::string where = "line " + std::to_string(earlier.line());
            if (earlier.source() != entry.source())
                where = table.sources()[earlier.source()].name + ":" + std::to_string(earlier.line());
            found.push_back({entry.source(), entry.line(),
                             "duplicate '" + std::string(key) + "/" + std::string(entry.protocol()) +
                                 "': " + where + " defines it first"});
        };
        if (!entry.name().empty())
            check(entry.name());
        for (std::string_view alias : entry.aliases())
            check(alias);
        lint_entry(entry, table.sources()[entry.source()].format, found);
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
