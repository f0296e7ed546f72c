#include "cli/output.hpp"

#include "cli/text.hpp"
#include "services/services_line.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <ostream>
#include <utility>

namespace portent::cli {

namespace {

// The width of each column in display columns, and which columns have a cell somewhere (the
// others are left out).
struct Columns
{
    std::vector<std::size_t> widths;
    std::vector<bool> shown;
    std::size_t last_shown = 0;
};

Columns measure(const Row& header, std::size_t row_count, const std::function<Row(std::size_t)>& row_at)
{
    Columns columns{std::vector<std::size_t>(header.size(), 0), std::vector<bool>(header.size(), false)};
    for (std::size_t index = 0; index < row_count; ++index) {
        const Row row = row_at(index);
        for (std::size_t column = 0; column < row.size() && column < header.size(); ++column) {
            if (row[column].empty())
                continue;
            columns.shown[column] = true;
            columns.widths[column] = std::max(columns.widths[column], display_width(visible(row[column])));
        }
    }
    for (std::size_t column = 0; column < header.size(); ++column) {
        columns.widths[column] = std::max(columns.widths[column], display_width(visible(header[column])));
        columns.last_shown = columns.shown[column] ? column : columns.last_shown;
    }
    return columns;
}

// One line of the table, without padding at its end; with a `max_width`, the last column is
// shortened to fit.
std::string table_line(const Row& row, const Columns& columns, std::size_t max_width)
{
    std::string line;
    std::size_t width = 0; // of `line`, in display columns
    std::size_t pending_spaces = 0;
    for (std::size_t column = 0; column < row.size() && column < columns.widths.size(); ++column) {
        if (!columns.shown[column])
            continue;
        if (!line.empty() || pending_spaces > 0) {
            line.append(pending_spaces + 2, ' ');
            width += pending_spaces + 2;
        }
        std::string cell = visible(row[column]);
        if (max_width > 0 && column == columns.last_shown)
            cell = fit_width(cell, max_width > width ? max_width - width : 1);
        const std::size_t cell_width = display_width(cell);
        line += cell;
        width += cell_width;
        pending_spaces = columns.widths[column] - std::min(columns.widths[column], cell_width);
    }
    while (line.ends_with(' ')) // an empty last cell leaves only padding
        line.pop_back();
    line += '\n';
    return line;
}

} // namespace

void write_table(std::ostream& out, const Row& header, std::size_t row_count,
                 const std::function<Row(std::size_t)>& row_at, std::size_t max_width)
{
    // Two passes over the rows, each built anew: the widths first, then the lines, so that
    // memory stays the same for a hundred rows or millions.
    const Columns columns = measure(header, row_count, row_at);
    out << table_line(header, columns, max_width);
    for (std::size_t index = 0; index < row_count; ++index)
        out << table_line(row_at(index), columns, max_width);
}

void write_table(std::ostream& out, const Row& header, const std::vector<Row>& rows, std::size_t max_width)
{
    write_table(
        out, header, rows.size(), [&](std::size_t index) { return rows[index]; }, max_width);
}

namespace {

void append_json(std::string& text, const boost::json::value& value)
{
    switch (value.kind()) {
    case boost::json::kind::object: {
        text += '{';
        bool first = true;
        for (const auto& member : value.get_object()) {
            if (!std::exchange(first, false))
                text += ',';
            text += boost::json::serialize(boost::json::string_view(member.key()));
            text += ':';
            append_json(text, member.value());
        }
        text += '}';
        return;
    }
    case boost::json::kind::array: {
        text += '[';
        bool first = true;
        for (const auto& element : value.get_array()) {
            if (!std::exchange(first, false))
                text += ',';
            append_json(text, element);
        }
        text += ']';
        return;
    }
    case boost::json::kind::double_: {
        const double number = value.get_double();
        if (!std::isfinite(number)) {
            text += "null";
            return;
        }
        // The shortest plain decimal that reads back as the same double: 0.05, not 5E-2.
        char digits[400];
        const auto [end, error] =
            std::to_chars(std::begin(digits), std::end(digits), number, std::chars_format::fixed);
        text.append(digits, error == std::errc() ? end : digits);
        return;
    }
    default: text += boost::json::serialize(value); return;
    }
}

} // namespace

std::string to_json_text(const boost::json::value& value)
{
    std::string text;
    append_json(text, value);
    return text;
}

void write_json(std::ostream& out, const boost::json::value& document)
{
    out << to_json_text(document) << '\n';
}

JsonArrayWriter::JsonArrayWriter(std::ostream& out) : out_(out)
{
    out_ << '[';
}

void JsonArrayWriter::add(const boost::json::value& element)
{
    if (!std::exchange(empty_, false))
        out_ << ',';
    out_ << to_json_text(element);
}

void JsonArrayWriter::finish()
{
    out_ << "]\n";
}

void print_message(std::ostream& err, std::string_view message)
{
    err << "portent: " << visible(message) << '\n';
}

std::string source_names(const services::Table& table)
{
    std::string names;
    for (const services::Source& source : table.sources()) {
        if (!names.empty())
            names += ", ";
        names += source.name;
    }
    return names;
}

namespace {

std::string join_aliases(const services::Entry& entry)
{
    std::string text;
    for (std::string_view alias : entry.aliases) {
        if (!text.empty())
            text += ' ';
        text += alias;
    }
    return text;
}

std::string format_frequency(const services::Entry& entry)
{
    if (!entry.frequency)
        return {};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", *entry.frequency);
    return buffer;
}

void write_entries_table(std::ostream& out, const services::Table& table, std::span<const Shown> shown,
                         const EntryOutput& how)
{
    write_table(
        out, {"SERVICE", "PORT", "PROTO", "ALIASES", "CLASS", "FREQUENCY", "SOURCE", "COMMENT"}, shown.size(),
        [&](std::size_t row) -> Row {
            const services::Entry& entry = table.entry(shown[row].index);
            return {std::string(entry.name),
                    services::format_ports(entry),
                    std::string(entry.protocol),
                    join_aliases(entry),
                    entry.has_port ? std::string(to_string(services::port_class(entry.port_first))) : "",
                    format_frequency(entry),
                    how.source_column ? table.sources()[entry.source].name : "",
                    std::string(entry.comment)};
        },
        how.max_width);
}

// Exactly getent's print_services() for each port asked for; entries that a line cannot hold
// are not written (callers leave them out and say so).
void write_entries_services(std::ostream& out, const services::Table& table, std::span<const Shown> shown)
{
    std::string lines;
    for (const Shown& item : shown) {
        const services::Entry& entry = table.entry(item.index);
        if (!services::fits_services_line(entry))
            continue;
        lines.clear();
        for (std::uint32_t port = item.ports.first; port <= item.ports.last; ++port)
            services::append_services_line(lines, entry, static_cast<std::uint16_t>(port));
        out << lines;
    }
}

// A text field, or null when the entry has none.
boost::json::value text_or_null(std::string_view text)
{
    return text.empty() ? boost::json::value(nullptr) : boost::json::value(valid_utf8(text));
}

void write_entries_json(std::ostream& out, const services::Table& table, std::span<const Shown> shown)
{
    JsonArrayWriter array(out);
    for (const Shown& item : shown) {
        const services::Entry& entry = table.entry(item.index);
        boost::json::object object;
        object["name"] = text_or_null(entry.name);
        object["port"] = entry.has_port ? boost::json::value(entry.port_first) : nullptr;
        object["port_last"] = entry.has_port ? boost::json::value(entry.port_last) : nullptr;
        object["protocol"] = text_or_null(entry.protocol);
        boost::json::array aliases;
        for (std::string_view alias : entry.aliases)
            aliases.emplace_back(valid_utf8(alias));
        object["aliases"] = std::move(aliases);
        object["comment"] = text_or_null(entry.comment);
        object["class"] =
            entry.has_port ? boost::json::value(to_string(services::port_class(entry.port_first))) : nullptr;
        object["frequency"] = entry.frequency ? boost::json::value(*entry.frequency) : nullptr;
        object["source"] = valid_utf8(table.sources()[entry.source].name);
        object["line"] = entry.line;
        array.add(object);
    }
    array.finish();
}

} // namespace

std::vector<Shown> whole_entries(const services::Table& table, std::span<const std::uint32_t> indices)
{
    std::vector<Shown> shown;
    shown.reserve(indices.size());
    for (const std::uint32_t index : indices)
        shown.push_back({index, {table.entry(index).port_first, table.entry(index).port_last}});
    return shown;
}

EntryOutput entry_output(const Context& context, OutputFormat format)
{
    return {format, context.several_sources(), context.table_width};
}

void write_entries(std::ostream& out, const services::Table& table, std::span<const Shown> shown,
                   const EntryOutput& how)
{
    switch (how.format) {
    case OutputFormat::table: write_entries_table(out, table, shown, how); return;
    case OutputFormat::services: write_entries_services(out, table, shown); return;
    case OutputFormat::json: write_entries_json(out, table, shown); return;
    case OutputFormat::jsonl: return; // not offered by the commands that write entries
    }
}

} // namespace portent::cli
