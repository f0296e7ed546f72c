#pragma once

#include "cli/command.hpp"
#include "services/merge.hpp"
#include "services/table.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace portent::cli {

using Row = std::vector<std::string>;

// Aligned columns separated by two spaces, a header line first; every cell is made visible
// (see visible()); the last column is not padded; a column empty in every row is left out.
// Widths are display columns. With a `max_width` (a terminal's), the last column of a line
// that would be wider is shortened to fit, ending in "…"; 0: lines are never cut.
void write_table(std::ostream& out, const Row& header, const std::vector<Row>& rows,
                 std::size_t max_width = 0);
// The same for rows made on demand: row_at(i) is called twice for each row. With `below`, what
// below(i) returns is written after the line of row i as it is (whole lines, already visible).
void write_table(std::ostream& out, const Row& header, std::size_t row_count,
                 const std::function<Row(std::size_t)>& row_at, std::size_t max_width = 0,
                 const std::function<std::string(std::size_t)>& below = {});

// A JSON value as text, on one line; numbers in plain decimal (0.05, never 5E-2), and a number
// that is not finite as null.
[[nodiscard]] std::string to_json_text(const boost::json::value& value);

// A text field as a JSON string (valid_utf8()), or null when it is empty.
[[nodiscard]] boost::json::value text_or_null(std::string_view text);

// A string as to_json_text() writes it (quoted; '"', '\\' and control characters escaped), appended
// to `text`; `string` must already be valid UTF-8 (valid_utf8()).
void append_json_string(std::string& text, std::string_view string);

// One JSON object appended to a text member by member, without building a boost::json::object:
// the bytes that to_json_text() writes for the same members in the same order. Strings must
// already be valid UTF-8 (valid_utf8()); keys are the program's own words, written as they are
// (nothing in them is escaped).
class JsonObjectText
{
public:
    explicit JsonObjectText(std::string& text);
    void text(std::string_view key, std::string_view value);
    // Any bytes, made valid UTF-8 (valid_utf8()).
    void valid_text(std::string_view key, std::string_view bytes);
    // The text made valid UTF-8, or null when it is empty (as text_or_null()).
    void text_or_null(std::string_view key, std::string_view value);
    void null(std::string_view key);
    void number(std::string_view key, std::uint64_t value);
    void number(std::string_view key, double value);
    void value(std::string_view key, const boost::json::value& value);
    // Writes the closing brace; nothing is added after it.
    void finish();

private:
    void key(std::string_view key);

    std::string& text_;
    bool first_ = true;
};

// One JSON document followed by a newline; strings must already be valid UTF-8 (valid_utf8()).
void write_json(std::ostream& out, const boost::json::value& document);

// Writes one JSON array element by element, so that memory does not grow with its length;
// the output is the same line write_json() writes for the whole array.
class JsonArrayWriter
{
public:
    explicit JsonArrayWriter(std::ostream& out);
    void add(const boost::json::value& element);
    // An element already written as JSON text (JsonObjectText).
    void add_text(std::string_view element);
    void finish();

private:
    std::ostream& out_;
    bool empty_ = true;
};

// "portent: MESSAGE" and a newline, every character of the message that could drive a
// terminal or break the line written as an escape (see visible()): messages echo arguments.
void print_message(std::ostream& err, std::string_view message);

// The names of the table's sources, for messages: "/etc/services" or "a, b".
[[nodiscard]] std::string source_names(const services::Table& table);

// An entry to write, with the ports of it that were asked for (all of them but for a port or
// range query): services(5) output writes a line for each of those ports, so that a range
// becomes a line per port; tables and JSON show the entry whole.
struct Shown
{
    std::uint32_t index = 0;
    services::PortSpan ports;
};

// Each entry of `indices` whole.
[[nodiscard]] std::vector<Shown> whole_entries(const services::Table& table,
                                               std::span<const std::uint32_t> indices);

// How entries are written: the format; in a table, a SOURCE column (for several sources) and
// at most `max_width` columns (see write_table()).
struct EntryOutput
{
    OutputFormat format = OutputFormat::table;
    bool source_column = false;
    std::size_t max_width = 0;
};

// The way `context` asks for entries in `format`.
[[nodiscard]] EntryOutput entry_output(const Context& context, OutputFormat format);

// Entries of `table`: a table (SERVICE PORT PROTO ALIASES CLASS FREQUENCY [SOURCE] COMMENT),
// services(5) lines (what `getent services` prints, for the entries a line can hold) or JSON
// (an array of objects; a value that is absent is null).
void write_entries(std::ostream& out, const services::Table& table, std::span<const Shown> shown,
                   const EntryOutput& how);

} // namespace portent::cli
