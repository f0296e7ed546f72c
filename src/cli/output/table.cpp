#include "cli/output.hpp"

#include "cli/text.hpp"

#include <algorithm>
#include <functional>
#include <ostream>

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
                 const std::function<Row(std::size_t)>& row_at, std::size_t max_width,
                 const std::function<std::string(std::size_t)>& below)
{
    // Two passes over the rows, each built anew: the widths first, then the lines, so that
    // memory stays the same for a hundred rows or millions.
    const Columns columns = measure(header, row_count, row_at);
    out << table_line(header, columns, max_width);
    for (std::size_t index = 0; index < row_count; ++index) {
        out << table_line(row_at(index), columns, max_width);
        if (below)
            out << below(index);
    }
}

void write_table(std::ostream& out, const Row& header, const std::vector<Row>& rows, std::size_t max_width)
{
    write_table(
        out, header, rows.size(), [&](std::size_t index) { return rows[index]; }, max_width);
}

} // namespace portent::cli
