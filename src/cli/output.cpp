#include "cli/output.hpp"

#include "cli/text.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <utility>

namespace portent::cli {

void write_table(std::ostream& out, const Row& header, const std::vector<Row>& rows)
{
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size() + 1);
    std::vector<std::size_t> widths(header.size(), 0);
    auto add = [&](const Row& row) {
        auto& visible_row = cells.emplace_back();
        for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column) {
            visible_row.push_back(visible(row[column]));
            widths[column] = std::max(widths[column], display_width(visible_row.back()));
        }
    };
    add(header);
    for (const Row& row : rows)
        add(row);
    // Columns empty in every row are left out.
    std::vector<bool> shown(header.size());
    for (std::size_t column = 0; column < header.size(); ++column)
        shown[column] = std::ranges::any_of(
            rows, [&](const Row& row) { return column < row.size() && !row[column].empty(); });
    std::string line;
    for (const auto& row : cells) {
        line.clear();
        std::size_t pending_spaces = 0;
        for (std::size_t column = 0; column < row.size(); ++column) {
            if (!shown[column])
                continue;
            if (!line.empty() || pending_spaces > 0)
                line.append(pending_spaces + 2, ' ');
            line += row[column];
            pending_spaces = widths[column] - display_width(row[column]);
        }
        out << line << '\n';
    }
}

void write_json(std::ostream& out, const boost::json::value& document)
{
    out << boost::json::serialize(document) << '\n';
}

JsonArrayWriter::JsonArrayWriter(std::ostream& out) : out_(out)
{
    out_ << '[';
}

void JsonArrayWriter::add(const boost::json::value& element)
{
    if (!std::exchange(empty_, false))
        out_ << ',';
    out_ << boost::json::serialize(element);
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
    std::vector<Row> rows;
    rows.reserve(indices.size());
    for (std::uint32_t index : indices) {
        const services::Entry& entry = entries[index];
        rows.push_back({std::string(entry.name), services::format_ports(entry), std::string(entry.protocol),
                        join_aliases(entry),
                        entry.has_port ? std::string(to_string(services::port_class(entry.port_first))) : "",
                        format_frequency(entry), std::string(entry.comment)});
    }
    write_table(out, {"SERVICE", "PORT", "PROTO", "ALIASES", "CLASS", "FREQUENCY", "COMMENT"}, rows);
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
    }
}

} // namespace portent::cli
