#include "cli/output.hpp"

#include "cli/text.hpp"
#include "services/services_line.hpp"

#include <cstdio>
#include <ostream>
#include <utility>

namespace portent::cli {

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
    for (std::string_view alias : entry.aliases()) {
        if (!text.empty())
            text += ' ';
        text += alias;
    }
    return text;
}

std::string format_frequency(const services::Entry& entry)
{
    if (!entry.frequency())
        return {};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", *entry.frequency());
    return buffer;
}

void write_entries_table(std::ostream& out, const services::Table& table, std::span<const Shown> shown,
                         const EntryOutput& how)
{
    write_table(
        out, {"SERVICE", "PORT", "PROTO", "ALIASES", "CLASS", "FREQUENCY", "SOURCE", "COMMENT"}, shown.size(),
        [&](std::size_t row) -> Row {
            const services::Entry& entry = table.entry(shown[row].index);
            return {std::string(entry.name()),
                    services::format_ports(entry),
                    std::string(entry.protocol()),
                    join_aliases(entry),
                    entry.has_port() ? std::string(to_string(services::port_class(entry.port_first()))) : "",
                    format_frequency(entry),
                    how.source_column ? table.sources()[entry.source()].name : "",
                    std::string(entry.comment())};
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

void write_entries_json(std::ostream& out, const services::Table& table, std::span<const Shown> shown)
{
    JsonArrayWriter array(out);
    for (const Shown& item : shown) {
        const services::Entry& entry = table.entry(item.index);
        boost::json::object object;
        object["name"] = text_or_null(entry.name());
        object["port"] = entry.has_port() ? boost::json::value(entry.port_first()) : nullptr;
        object["port_last"] = entry.has_port() ? boost::json::value(entry.port_last()) : nullptr;
        object["protocol"] = text_or_null(entry.protocol());
        boost::json::array aliases;
        for (std::string_view alias : entry.aliases())
            aliases.emplace_back(valid_utf8(alias));
        object["aliases"] = std::move(aliases);
        object["comment"] = text_or_null(entry.comment());
        object["class"] = entry.has_port()
                              ? boost::json::value(to_string(services::port_class(entry.port_first())))
                              : nullptr;
        object["frequency"] = entry.frequency() ? boost::json::value(*entry.frequency()) : nullptr;
        object["source"] = valid_utf8(table.sources()[entry.source()].name);
        object["line"] = entry.line();
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
        shown.push_back({index, {table.entry(index).port_first(), table.entry(index).port_last()}});
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
