#pragma once

#include "services/merge.hpp"
#include "services/query.hpp"
#include "services/table.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace portent::services {

// A source that cannot be read: a missing file, a directory, no permission.
class SourceError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::string_view system_path = "/etc/services";
// The name of the source "-": standard input, which may be read once.
inline constexpr std::string_view standard_input_name = "(standard input)";

// The sources --db names by word rather than by path.
inline constexpr std::array<std::string_view, 3> named_sources = {"system", "embedded", "-"};

// The database compiled into the program (data/services).
[[nodiscard]] std::string_view embedded_database();

// The most a source may hold: a file, or an endless pipe such as /dev/zero, larger than this is
// refused instead of exhausting memory.
inline constexpr std::size_t max_source_size = std::size_t{256} << 20U;

// The whole content of the file at `path`; throws SourceError ("cannot read PATH: reason").
[[nodiscard]] std::string read_file(const std::string& path);

// Loads the sources named by the user, in order (first wins): a path, "system", "embedded" or
// "-" (standard input). With none, "system" when it is readable, otherwise "embedded"; `note`
// then says why. `format` forces every file's format instead of detecting it; a file that is
// plainly not in it is an error (format_mismatch()). Errors are SourceErrors; with `errors`,
// each source in error is left out instead and its message appended there.
[[nodiscard]] Table load_database(std::span<const std::string> specs, std::optional<Format> format,
                                  std::string* note = nullptr, std::vector<std::string>* errors = nullptr);

// The sources load_database() reads, read whole but not parsed, for a caller that parses only
// a part of them (prefix_matches()); Table(read_sources(…)) is load_database(…).
[[nodiscard]] std::vector<Table::Part> read_sources(std::span<const std::string> specs,
                                                    std::optional<Format> format, std::string* note = nullptr,
                                                    std::vector<std::string>* errors = nullptr);

// A run of whole lines of a source (each line with its '\n', the last line of a file perhaps
// without), as scan_sources() hands them out.
struct SourceLines
{
    std::uint32_t source = 0; // the source's place in the order load_database() reads them
    std::string_view name;
    Format format = Format::services;
    std::string_view lines;
    std::uint32_t first_line = 1; // the number of the first of `lines` in its source
};

// Called with each run of lines in turn; returns whether it wants more (false ends the scan).
using LineScanner = std::function<bool(const SourceLines& run)>;

// Reads the sources that load_database() reads, in order, a block of `block_size` bytes at a
// time, and hands each run of lines to `scan` until it wants no more: a scan of the whole
// database in a block's memory, which stops as early as the scan can. Each source is handed out
// at least once (an empty one as no lines). An IANA CSV is handed out in runs of whole records:
// a newline inside a quoted field does not end a run. A `format` that a file plainly is not in
// is an error, as in load_database(). False, having read nothing, when a source is not a
// regular file (a pipe, which is read whole and size-checked by load_database()). Unreadable
// sources are errors (SourceError).
bool scan_sources(std::span<const std::string> specs, std::optional<Format> format, const LineScanner& scan,
                  std::string* note = nullptr, std::size_t block_size = std::size_t{1} << 16U);

// For a one-shot lookup of first matches (`--first`): reads the same sources (scan_sources()),
// a block of `block_size` bytes at a time, only as far as it takes to find each query's first
// match that `accept` takes, and returns a table of just the matched records (with their line
// numbers, a part for each source read), in which every query's first match (that `accept`
// takes) is the one load_database() would give.
// A lookup of a service near the top of a large file thus reads a few KiB. Nullopt, having
// read what it read, when that cannot be done: no query, a query without a match, a range
// query (a name anywhere wins over a range), a quote in a name looked up in an IANA CSV (the
// CSV writes it twice), or a source that is not a regular file.
// Unreadable sources are errors (SourceError), as in load_database().
[[nodiscard]] std::optional<Table>
load_first_matches(std::span<const std::string> specs, std::optional<Format> format,
                   std::span<const Query> queries, std::string* note = nullptr,
                   std::size_t block_size = std::size_t{1} << 14U, EntryFilter accept = nullptr);

// The same for every match (a lookup without --first): reads the sources to the end and keeps
// every record whose entry a query matches, a part for each source in order, so that each
// query's find_in() answers as on load_database(), the first source listed winning. Nullopt
// where load_first_matches() gives it.
[[nodiscard]] std::optional<Table> load_all_matches(std::span<const std::string> specs,
                                                    std::optional<Format> format,
                                                    std::span<const Query> queries,
                                                    std::string* note = nullptr,
                                                    std::size_t block_size = std::size_t{1} << 16U);

} // namespace portent::services
