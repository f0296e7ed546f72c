#pragma once

#include "services/query.hpp"
#include "services/table.hpp"

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

// For a one-shot lookup of first matches (`--first`): reads the same sources, a block of
// `block_size` bytes at a time, only as far as it takes to find each query's first match, and
// returns a table of just the matched lines (with their line numbers), in which every query's
// first match is the one load_database() would give. A lookup of a service near the top of a
// large file thus reads a few KiB. Nullopt, having read what it read, when that cannot be
// done: a query without a match, a range query (a name anywhere wins over a range), an IANA
// CSV source (records span lines), or a source that is not a regular file.
// Unreadable sources are errors (SourceError), as in load_database().
[[nodiscard]] std::optional<Table> load_first_matches(std::span<const std::string> specs,
                                                      std::optional<Format> format,
                                                      std::span<const Query> queries,
                                                      std::string* note = nullptr,
                                                      std::size_t block_size = std::size_t{1} << 14U);

} // namespace portent::services
