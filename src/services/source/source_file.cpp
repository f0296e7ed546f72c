#include "services/source/source_file.hpp"

#include "services/source.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace portent::services::sources {

namespace {

[[noreturn]] void fail(const std::string& path, int error)
{
    throw SourceError("cannot read " + path + ": " + std::strerror(error));
}

[[noreturn]] void fail_too_large(const std::string& path)
{
    throw SourceError("cannot read " + path + ": larger than " + std::to_string(max_source_size >> 20U) +
                      " MiB");
}

} // namespace

SourceFile::SourceFile(std::string path)
    : path_(std::move(path)), file_(::open(path_.c_str(), O_RDONLY | O_CLOEXEC))
{
    check();
}

SourceFile::SourceFile(StandardInput)
    : path_(standard_input_name), file_(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0))
{
    check();
    regular_ = false;
    size_ = 0;
}

void SourceFile::check()
{
    struct stat status
    {
    };
    if (file_.get() < 0 || ::fstat(file_.get(), &status) != 0)
        fail(path_, errno);
    if (S_ISDIR(status.st_mode))
        fail(path_, EISDIR);
    // Pipes and /proc files report no size.
    regular_ = S_ISREG(status.st_mode);
    size_ = regular_ && status.st_size > 0 ? static_cast<std::uint64_t>(status.st_size) : 0;
    if (size_ > max_source_size)
        fail_too_large(path_);
}

std::size_t SourceFile::read(char* data, std::size_t size)
{
    while (true) {
        const ssize_t got = ::read(file_.get(), data, size);
        if (got >= 0)
            return static_cast<std::size_t>(got);
        if (errno != EINTR)
            fail(path_, errno);
    }
}

std::string read_whole(SourceFile& file)
{
    std::string text(file.size() > 0 ? file.size() + 1 : std::size_t{1} << 16U, '\0');
    std::size_t size = 0;
    while (true) {
        if (size == max_source_size) // an endless pipe such as /dev/zero
            fail_too_large(file.path());
        if (size == text.size())
            text.resize(std::min(text.size() * 2, max_source_size));
        const std::size_t got = file.read(text.data() + size, text.size() - size);
        if (got == 0)
            break;
        size += got;
    }
    text.resize(size);
    return text;
}

bool names_a_stream(std::span<const std::string> specs)
{
    const auto is_stream = [](const std::string& spec) {
        if (spec == "-")
            return true;
        if (spec == "embedded")
            return false;
        struct stat status
        {
        };
        const std::string path = spec == "system" ? std::string(system_path) : spec;
        return ::stat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode);
    };
    return specs.empty() ? is_stream("system") : std::ranges::any_of(specs, is_stream);
}

// Opens every source in order, so that an unreadable one is an error whether or not a lookup
// reaches it; with `errors`, it is left out and its message goes there. With none given:
// "system" when it can be opened, otherwise "embedded" and `note` says why.
std::vector<OpenSource> open_sources(std::span<const std::string> specs, std::string* note,
                                     std::vector<std::string>* errors)
{
    std::vector<OpenSource> sources;
    bool standard_input_read = false;
    auto open = [&](const std::string& spec) {
        if (spec == "embedded") {
            sources.push_back({"embedded", nullptr});
            return;
        }
        if (spec == "-") {
            if (std::exchange(standard_input_read, true))
                throw SourceError("standard input can be read only once: give '-' once");
            auto file = std::make_unique<SourceFile>(SourceFile::StandardInput{});
            sources.push_back({file->path(), std::move(file)});
            return;
        }
        std::string path = spec == "system" ? std::string(system_path) : spec;
        auto file = std::make_unique<SourceFile>(path);
        sources.push_back({std::move(path), std::move(file)});
    };
    if (specs.empty()) {
        try {
            open("system");
        } catch (const SourceError& error) {
            if (note)
                *note = std::string(error.what()) + "; using the embedded database";
            open("embedded");
        }
    }
    for (const std::string& spec : specs) {
        try {
            open(spec);
        } catch (const SourceError& error) {
            if (!errors)
                throw;
            errors->push_back(error.what());
        }
    }
    return sources;
}

// A --db-format that the text plainly is not in is an error.
void check_format(const std::string& name, std::string_view text, std::optional<Format> format)
{
    if (!format)
        return;
    if (const auto why = format_mismatch(text, *format))
        throw SourceError(name + " is not in the format " + std::string(to_string(*format)) +
                          " (--db-format): " + *why);
}

} // namespace portent::services::sources
