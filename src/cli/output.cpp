#include "cli/output.hpp"

#include "cli/text.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <utility>

namespace portent::cli {

void write_table(std::ostream& out, const Row& header, std::size_t row_count,
                 const std::function<Row(std::size_t)>& row_at)
{
    // Two passes over the rows, each built anew: the widths first, then the lines, so that
    // memory stays the same for a hundred rows or millions.
    std::vector<std::size_t> widths(header.size(), 0);
    std::vector<bool> shown(header.size(), false); // columns empty in every row are left out
    for (std::size_t index = 0; index < row_count; ++index) {
        const Row row = row_at(index);
        for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column) {
            if (row[column].empty())
                continue;
            shown[column] = true;
            widths[column] = std::max(widths[column], display_width(visible(row[column])));
        }
    }
    for (std::size_t column = 0; column < header.size(); ++column)
        widths[column] = std::max(widths[column], display_width(visible(header[column])));
    std::string line;
    auto write_row = [&](const Row& row) {
        line.clear();
        std::size_t pending_spaces = 0;
        for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column) {
            if (!shown[column])
                continue;
            if (!line.empty() || pending_spaces > 0)
                line.append(pending_spaces + 2, ' ');
            const std::string cell = visible(row[column]);
            line += cell;
            pending_spaces = widths[column] - display_width(cell);
        }
        while (line.ends_with(' ')) // an empty last cell leaves only padding
            line.pop_back();
        line += '\n';
        out << line;
    };
    write_row(header);
    for (std::size_t index = 0; index < row_count; ++index)
        write_row(row_at(index));
}

void write_table(std::ostream& out, const Row& header, const std::vector<Row>& rows)
{
    write_table(out, header, rows.size(), [&](std::size_t index) { return rows[index]; });
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

void write_entries_table(std::ostream& out, std::span<const services::Entry> entries,
                         std::span<const std::uint32_t> indices)
{
    write_table(out, {"SERVICE", "PORT", "PROTO", "ALIASES", "CLASS", "FREQUENCY", "COMMENT"}, indices.size(),
                [&](std::size_t row) -> Row {
                    const services::Entry& entry = entries[indices[row]];
                    return {std::string(entry.name),
                            services::format_ports(entry),
                            std::string(entry.protocol),
                            join_aliases(entry),
                            entry.has_port ? std::string(to_string(services::port_class(entry.port_first)))
                                           : "",
                            format_frequency(entry),
                            std::string(entry.comment)};
                });
}

// Exactly getent's print_services(): "%-21s %d/%s" and " alias" for each alias.
void write_entries_services(std::ostream& out, std::span<const services::Entry> entries,
                            std::span<const std::uint32_t> indices)
{
    std::string line;
    for (std::uint32_t index : indices) {
        const services::Entry& entry = entries[index];
        line.assign(entry.name);
        if (line.size() < 21)
            line.append(21 - line.size(), ' ');
        line += ' ';
        line += services::format_ports(entry);
        line += '/';
        line += entry.protocol;
        for (std::string_view alias : entry.aliases) {
            line += ' ';
            line += alias;
        }
        line += '\n';
        out << line;
    }
}

void write_entries_json(std::ostream& out, const services::Table& table,
                        std::span<const std::uint32_t> indices)
{
    JsonArrayWriter array(out);
    for (std::uint32_t index : indices) {
        const services::Entry& entry = table.entry(index);
        boost::json::object object;
        object["name"] = valid_utf8(entry.name);
        object["port"] = entry.has_port ? boost::json::value(entry.port_first) : nullptr;
        object["port_last"] = entry.has_port ? boost::json::value(entry.port_last) : nullptr;
        object["protocol"] = valid_utf8(entry.protocol);
        boost::json::array aliases;
        for (std::string_view alias : entry.aliases)
            aliases.emplace_back(valid_utf8(alias));
        object["aliases"] = std::move(aliases);
        object["comment"] = valid_utf8(entry.comment);
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

void write_entries(std::ostream& out, const services::Table& table, std::span<const std::uint32_t> indices,
                   OutputFormat format)
{
    switch (format) {
    case OutputFormat::table: write_entries_table(out, table.entries(), indices); return;
    case OutputFormat::services: write_entries_services(out, table.entries(), indices); return;
    case OutputFormat::json: write_entries_json(out, table, indices); return;
    case OutputFormat::jsonl: break; // no command writes entries as JSON lines (Command::formats)
    }
    throw std::logic_error("write_entries: entries are not written as " + std::string(to_string(format)));
}

} // namespace portent::cli
