#include "services/source.hpp"

#include "services/file_descriptor.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace portent::services {

namespace {

[[noreturn]] void fail(const std::string& path, int error)
{
    throw SourceError("cannot read " + path + ": " + std::strerror(error));
}

Table::Part part_for(const std::string& spec, std::optional<Format> format)
{
    if (spec == "embedded")
        return {"embedded", Format::services, embedded_database(), nullptr};
    const std::string path = spec == "system" ? std::string(system_path) : spec;
    // Read, not mapped: a mapped file that shrinks while it is parsed would kill portent (SIGBUS).
    return Table::Part::holding(path, format, read_file(path));
}

} // namespace

std::string read_file(const std::string& path)
{
    const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat status
    {
    };
    if (file.get() < 0 || ::fstat(file.get(), &status) != 0)
        fail(path, errno);
    if (S_ISDIR(status.st_mode))
        fail(path, EISDIR);
    // Regular files are read in one call; pipes and /proc files report no size.
    const bool sized = S_ISREG(status.st_mode) && status.st_size > 0;
    if (sized && static_cast<std::uint64_t>(status.st_size) > max_source_size)
        throw SourceError("cannot read " + path + ": larger than " + std::to_string(max_source_size >> 20U) +
                          " MiB");
    std::string text(sized ? static_cast<std::size_t>(status.st_size) + 1 : std::size_t{1} << 16, '\0');
    std::size_t size = 0;
    while (true) {
        if (size == max_source_size)
            throw SourceError("cannot read " + path + ": larger than " +
                              std::to_string(max_source_size >> 20U) + " MiB");
        if (size == text.size())
            text.resize(std::min(text.size() * 2, max_source_size));
        const ssize_t got = ::read(file.get(), text.data() + size, text.size() - size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            fail(path, errno);
        if (got == 0)
            break;
        size += static_cast<std::size_t>(got);
    }
    text.resize(size);
    return text;
}

Table load_database(std::span<const std::string> specs, std::optional<Format> format, std::string* note)
{
    std::vector<Table::Part> parts;
    if (specs.empty()) {
        try {
            parts.push_back(part_for("system", format));
        } catch (const SourceError& error) {
            if (note)
                *note = std::string(error.what()) + "; using the embedded database";
            parts.push_back(part_for("embedded", format));
        }
    }
    for (const std::string& spec : specs)
        parts.push_back(part_for(spec, format));
    return Table(std::move(parts));
}

} // namespace portent::services
