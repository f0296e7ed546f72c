#pragma once

#include "services/table.hpp"

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace portent::services {

// A source that cannot be read: a missing file, a directory, no permission.
class SourceError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::string_view system_path = "/etc/services";

// The database compiled into the program (data/services).
[[nodiscard]] std::string_view embedded_database();

// The most a source may hold: a file, or an endless pipe such as /dev/zero, larger than this is
// refused instead of exhausting memory.
inline constexpr std::size_t max_source_size = std::size_t{256} << 20U;

// The whole content of the file at `path`; throws SourceError ("cannot read PATH: reason").
[[nodiscard]] std::string read_file(const std::string& path);

// Loads the sources named by the user, in order (first wins): a path, "system" or "embedded".
// With none, "system" when it is readable, otherwise "embedded"; `note` then says why.
// `format` forces every source's format instead of detecting it.
[[nodiscard]] Table load_database(std::span<const std::string> specs, std::optional<Format> format,
                                  std::string* note = nullptr);

} // namespace portent::services
