#pragma once

// What the tests of the block scans share: temporary files, entries as a user sees them, and
// the keys a lookup may be given, so that each scan is compared with the whole table.

#include "services/table.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace portent::services {

// A file that lives as long as the object.
class TemporaryFile
{
public:
    explicit TemporaryFile(const std::string& text)
    {
        static int count = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("portent-source-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
        std::ofstream(path_, std::ios::binary) << text;
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile() { std::filesystem::remove(path_); }
    [[nodiscard]] std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

// An entry as a user sees it, with where it came from.
inline std::string describe(const Table& table, std::optional<std::uint32_t> index)
{
    if (!index)
        return "(none)";
    const Entry& entry = table.entry(*index);
    std::ostringstream out;
    out << table.sources()[entry.source()].name << ':' << entry.line() << ' ' << entry.name() << ' '
        << entry.port_first() << '-' << entry.port_last() << '/' << entry.protocol() << " [";
    for (std::string_view alias : entry.aliases())
        out << alias << ',';
    out << "] #" << entry.comment() << " f=" << entry.frequency().value_or(-1);
    return out.str();
}

// Every key getent would take from the table (name, alias, name/proto, port, port/proto),
// plus keys that match nothing.
inline std::vector<std::string> keys_of(const Table& table)
{
    std::set<std::string> keys = {"no-such-service", "no-such/tcp", "http/no-such-protocol", "65000/tcp",
                                  "7/"};
    for (const Entry& entry : table.entries()) {
        const std::string protocol(entry.protocol());
        for (std::string name : {std::string(entry.name())}) {
            keys.insert(name);
            keys.insert(name + "/" + protocol);
        }
        for (std::string_view alias : entry.aliases()) {
            keys.insert(std::string(alias));
            keys.insert(std::string(alias) + "/" + protocol);
        }
        if (entry.has_port()) {
            keys.insert(std::to_string(entry.port_first()));
            keys.insert(std::to_string(entry.port_first()) + "/" + protocol);
        }
    }
    return {keys.begin(), keys.end()};
}

} // namespace portent::services
