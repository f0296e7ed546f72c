// The IANA registry CSV (RFC 4180, 12 columns): records may span lines inside quoted fields.
#include "services/parse.hpp"

#include "services/line_text.hpp"
#include "services/parse/iana_csv.hpp"
#include "services/parse/line_reader.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <utility>

namespace portent::services {

namespace {

using parsing::iana_columns;
using util::is_digit;
using util::trim;

// RFC 4180 reader: fields view the text, or the unescaped copies kept in `owned`.
class CsvReader
{
public:
    CsvReader(std::string_view text, std::uint32_t first_line, std::deque<std::string>& owned)
        : text_(text), owned_(owned), line_(first_line)
    {
    }

    [[nodiscard]] bool done() const { return position_ >= text_.size(); }
    [[nodiscard]] std::uint32_t line() const { return line_; }

    // Reads one record into `fields`; `problem` is set when the record is malformed.
    void read_record(std::vector<std::string_view>& fields, std::string& problem)
    {
        fields.clear();
        problem.clear();
        while (true) {
            fields.push_back(read_field(problem));
            if (done())
                return;
            const char separator = text_[position_++];
            if (separator == '\n') {
                ++line_;
                return;
            }
        }
    }

private:
    std::string_view read_field(std::string& problem)
    {
        if (done() || text_[position_] != '"')
            return read_plain_field();
        const std::size_t begin = ++position_;
        bool escaped = false;
        while (true) {
            const std::size_t quote = text_.find('"', position_);
            const std::size_t stop = quote == std::string_view::npos ? text_.size() : quote;
            for (std::size_t i = position_; i < stop; ++i)
                line_ += text_[i] == '\n' ? 1 : 0;
            if (quote == std::string_view::npos) {
                problem = "unterminated quoted field";
                position_ = text_.size();
                return unescape(text_.substr(begin), escaped);
            }
            if (quote + 1 < text_.size() && text_[quote + 1] == '"') {
                escaped = true;
                position_ = quote + 2;
                continue;
            }
            position_ = quote + 1;
            std::string_view field = unescape(text_.substr(begin, quote - begin), escaped);
            if (!done() && text_[position_] == '\r' && position_ + 1 < text_.size() &&
                text_[position_ + 1] == '\n')
                ++position_;
            if (!done() && text_[position_] != ',' && text_[position_] != '\n') {
                problem = "text after a closing quote";
                read_plain_field();
            }
            return field;
        }
    }

    std::string_view read_plain_field()
    {
        const std::size_t begin = position_;
        while (!done() && text_[position_] != ',' && text_[position_] != '\n')
            ++position_;
        std::string_view field = text_.substr(begin, position_ - begin);
        if (!done() && text_[position_] == '\n' && field.ends_with('\r'))
            field.remove_suffix(1);
        return field;
    }

    std::string_view unescape(std::string_view raw, bool escaped)
    {
        if (!escaped)
            return raw;
        std::string& copy = owned_.emplace_back();
        copy.reserve(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i) {
            copy.push_back(raw[i]);
            if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == '"')
                ++i;
        }
        return copy;
    }

    std::string_view text_;
    std::deque<std::string>& owned_;
    std::uint32_t line_ = 1;
    std::size_t position_ = 0;
};

// "", "80" or "6000-6063" into `entry`'s ports; false when the text is none of them.
bool parse_port_range(std::string_view text, Entry& entry)
{
    text = trim(text);
    entry.set_no_port();
    if (text.empty())
        return true;
    auto read_port = [&](std::uint16_t& port) {
        std::uint32_t value = 0;
        auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || stop == text.data() || !is_digit(text.front()) || value > 65535)
            return false;
        port = static_cast<std::uint16_t>(value);
        text.remove_prefix(static_cast<std::size_t>(stop - text.data()));
        return true;
    };
    std::uint16_t first = 0;
    if (!read_port(first))
        return false;
    std::uint16_t last = first;
    if (text.starts_with('-')) {
        text.remove_prefix(1);
        if (!read_port(last) || last < first)
            return false;
    }
    entry.set_ports(first, last);
    return text.empty();
}

// Whether `field` lies inside `text` (not in an unescaped copy).
bool inside(std::string_view field, std::string_view text)
{
    const auto address = [](const char* pointer) { return reinterpret_cast<std::uintptr_t>(pointer); };
    return field.empty() || (address(field.data()) >= address(text.data()) &&
                             address(field.data() + field.size()) <= address(text.data() + text.size()));
}

// Sets the text fields of `entry`: in `text` when they all are, in order; else (an unescaped
// field) copied together into one string of `owned`. False for a record too long for an entry.
bool set_fields(Entry& entry, std::string_view text, std::deque<std::string>& owned, std::string_view name,
                std::string_view protocol, std::string_view comment)
{
    const auto after_name = [&](std::string_view field) {
        return field.empty() || (name.data() != nullptr && field.data() >= name.data());
    };
    if (inside(name, text) && inside(protocol, text) && inside(comment, text) && after_name(protocol) &&
        after_name(comment)) {
        const char* end = name.data() + name.size();
        for (const std::string_view field : {protocol, comment})
            if (!field.empty())
                end = std::max(end, field.data() + field.size());
        if (!Entry::fits_in_entry(static_cast<std::size_t>(end - name.data())))
            return false;
        entry.set_text(name, protocol, {}, comment);
        return true;
    }
    if (!Entry::fits_in_entry(name.size() + protocol.size() + comment.size()))
        return false;
    std::string& copy = owned.emplace_back();
    copy.reserve(name.size() + protocol.size() + comment.size());
    copy.append(name).append(protocol).append(comment);
    const std::string_view all = copy;
    entry.set_text(all.substr(0, name.size()), all.substr(name.size(), protocol.size()), {},
                   all.substr(name.size() + protocol.size()));
    return true;
}

} // namespace

namespace {

// Past the closing quote of the quoted field that opens at `open`; npos when the text ends
// before it is known (no closing quote, or one that may be the first of an escaped pair).
std::size_t past_quoted_field(std::string_view text, std::size_t open)
{
    for (std::size_t position = open + 1;; position += 2) {
        position = text.find('"', position);
        if (position == std::string_view::npos || position + 1 >= text.size())
            return std::string_view::npos;
        if (text[position + 1] != '"')
            return position + 1;
    }
}

} // namespace

std::size_t csv_record_end(std::string_view text, std::size_t start)
{
    std::size_t position = start;
    while (true) {
        // Outside quotes every '\n' ends the record, and a quote opens a field only at its start.
        const std::size_t stop = position + parsing::find_either(text.substr(position), '"', '\n');
        if (stop >= text.size())
            return std::string_view::npos;
        if (text[stop] == '\n')
            return stop;
        position = stop + 1;
        if (stop == start || text[stop - 1] == ',') {
            position = past_quoted_field(text, stop);
            if (position == std::string_view::npos)
                return position;
        }
    }
}

std::size_t csv_record_start(std::string_view text, std::size_t start, std::size_t position)
{
    std::size_t record = start;
    std::size_t from = start;
    const std::string_view before = text.substr(0, position);
    while (true) {
        // Between quotes, outside them, every '\n' ends a record: only quotes are looked at one by one.
        const std::size_t quote = before.find('"', from);
        const std::size_t stop = quote == std::string_view::npos ? before.size() : quote;
        if (stop > from) {
            const void* newline = ::memrchr(text.data() + from, '\n', stop - from);
            if (newline != nullptr)
                record = static_cast<std::size_t>(static_cast<const char*>(newline) - text.data()) + 1;
        }
        if (quote == std::string_view::npos)
            return record;
        from = quote + 1;
        if (quote == record || text[quote - 1] == ',') {
            from = past_quoted_field(text, quote);
            if (from == std::string_view::npos || from > position)
                return record; // `position` is inside the quoted field
        }
    }
}

bool csv_record_may_hold_port(std::string_view record, std::uint16_t port)
{
    std::size_t position = 0;
    if (record.starts_with('"')) { // a quoted name: "" is a quote
        for (position = 1;; position += 2) {
            position = record.find('"', position);
            if (position == std::string_view::npos)
                return true;
            if (position + 1 >= record.size() || record[position + 1] != '"')
                break;
        }
    }
    const std::size_t comma = record.find(',', position);
    if (comma == std::string_view::npos || record.substr(comma + 1).starts_with('"'))
        return true; // no port field, or a quoted one: the parser decides
    std::string_view field = record.substr(comma + 1);
    field = field.substr(0, field.find(','));
    Entry entry;
    if (!parse_port_range(field, entry))
        return true;
    return entry.has_port() && entry.port_first() <= port && port <= entry.port_last();
}

std::optional<std::string_view> csv_plain_name(std::string_view record)
{
    if (record.starts_with('"'))
        return std::nullopt;
    return trim(record.substr(0, record.find_first_of(",\n")));
}

ParseResult parse_iana_csv(std::string_view text, std::uint32_t source, std::uint32_t first_line)
{
    ParseResult result;
    CsvReader reader(text, first_line, result.owned_text);
    std::vector<std::string_view> fields;
    std::string problem;
    bool first = true;
    while (!reader.done()) {
        const std::uint32_t number = reader.line();
        reader.read_record(fields, problem);
        if (!problem.empty())
            result.diagnostics.push_back({source, number, problem});
        // The header is the file's first record: a part of a file that starts further down
        // holds none.
        if (std::exchange(first, false) && first_line == 1 && fields[0] == "Service Name")
            continue;
        if (fields.size() == 1 && trim(fields[0]).empty())
            continue;
        if (fields.size() != iana_columns)
            result.diagnostics.push_back(
                {source, number, "expected 12 columns, found " + std::to_string(fields.size())});
        if (fields.size() < 3)
            continue;
        Entry entry;
        if (!set_fields(entry, text, result.owned_text, trim(fields[0]), trim(fields[2]),
                        fields.size() > 3 ? trim(fields[3]) : std::string_view())) {
            result.diagnostics.push_back({source, number, "record longer than 4 GiB"});
            continue;
        }
        entry.set_source(source);
        entry.set_line(number);
        if (!parse_port_range(fields[1], entry)) {
            result.diagnostics.push_back(
                {source, number, "port " + quoted(fields[1]) + " is neither a port nor a range LO-HI"});
            continue;
        }
        result.entries.push_back(entry);
    }
    return result;
}

} // namespace portent::services
