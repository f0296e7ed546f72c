#include "services/source.hpp"

#include "services/file_descriptor.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace portent::services {

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

// An open source file, checked as every source is: it exists, may be read, is not a
// directory and, when its size is known, is not over max_source_size.
class SourceFile
{
public:
    explicit SourceFile(std::string path)
        : path_(std::move(path)), file_(::open(path_.c_str(), O_RDONLY | O_CLOEXEC))
    {
        check();
    }

    // Standard input, through a descriptor of its own. It is read as a stream, once, whatever
    // it is: its offset is shared with whoever gave it.
    struct StandardInput
    {
    };
    explicit SourceFile(StandardInput)
        : path_(standard_input_name), file_(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0))
    {
        check();
        regular_ = false;
        size_ = 0;
    }

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] bool regular() const { return regular_; }
    [[nodiscard]] std::size_t size() const { return size_; }

    // Reads up to `size` bytes into `data`; 0 at the end of the file.
    std::size_t read(char* data, std::size_t size)
    {
        while (true) {
            const ssize_t got = ::read(file_.get(), data, size);
            if (got >= 0)
                return static_cast<std::size_t>(got);
            if (errno != EINTR)
                fail(path_, errno);
        }
    }

private:
    // The descriptor is open (errno says why not), no directory, and not too large.
    void check()
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

    std::string path_;
    FileDescriptor file_;
    bool regular_ = false;
    std::size_t size_ = 0;
};

// A file read a block at a time and handed out as runs of whole lines, so that a scan can
// stop early having read only what it looked at. Memory is a block, or the longest line.
class LineBlocks
{
public:
    LineBlocks(SourceFile& file, std::size_t block_size)
        : file_(file), block_size_(std::max<std::size_t>(block_size, 1))
    {
    }

    // Reads until `enough(buffered)` or the end of the file; returns what is buffered.
    template <typename Enough> std::string_view peek(Enough&& enough)
    {
        while (!end_of_file_ && !enough(buffered()))
            read_block();
        return buffered();
    }

    // The next whole lines, each with its '\n' (the last line of the file may have none);
    // empty at the end of the file.
    std::string_view next_lines()
    {
        while (true) {
            const std::string_view lines = buffered();
            const std::size_t last_newline = lines.rfind('\n');
            if (last_newline != std::string_view::npos || end_of_file_) {
                const std::size_t length =
                    last_newline != std::string_view::npos ? last_newline + 1 : lines.size();
                begin_ += length;
                return lines.substr(0, length);
            }
            read_block();
        }
    }

private:
    [[nodiscard]] std::string_view buffered() const { return {buffer_.get() + begin_, end_ - begin_}; }

    void read_block()
    {
        if (begin_ > 0) { // what is left of the last line goes to the front
            std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        if (capacity_ - end_ < block_size_) { // not zero-filled: pages are touched only as read
            const std::size_t capacity = std::max(capacity_ * 2, end_ + block_size_);
            auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
            if (end_ > 0)
                std::memcpy(buffer.get(), buffer_.get(), end_);
            buffer_ = std::move(buffer);
            capacity_ = capacity;
        }
        const std::size_t got = file_.read(buffer_.get() + end_, block_size_);
        end_ += got;
        end_of_file_ = got == 0;
    }

    SourceFile& file_;
    std::size_t block_size_;
    std::unique_ptr<char[]> buffer_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    bool end_of_file_ = false;
};

// A source named by the user: a file, opened and checked, or the embedded database.
struct OpenSource
{
    std::string name;
    std::unique_ptr<SourceFile> file; // null: the embedded database
};

// Opens every source in order, so that an unreadable one is an error whether or not a lookup
// reaches it; with `errors`, it is left out and its message goes there. With none given:
// "system" when it can be opened, otherwise "embedded" and `note` says why.
std::vector<OpenSource> open_sources(std::span<const std::string> specs, std::string* note,
                                     std::vector<std::string>* errors = nullptr)
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

// Where a query was first answered: the line, kept for the table.
struct Match
{
    std::uint32_t source = 0;
    std::uint32_t line = 0;
    std::string text;
};

// A query still without an answer, and what every line that can match it holds: its name, or
// its port in decimal (unless the port is written in octal or hexadecimal).
struct OpenQuery
{
    const Query* query;
    std::string needle;
    std::size_t next = 0; // where the needle is next found in the current run of lines
};

// Where `needle` is first found in `text` from `from` on; npos when it is not.
std::size_t find(std::string_view text, std::string_view needle, std::size_t from)
{
    if (from > text.size())
        return std::string_view::npos;
    const void* found = ::memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
    return found ? static_cast<std::size_t>(static_cast<const char*>(found) - text.data())
                 : std::string_view::npos;
}

std::size_t line_count_of(std::string_view lines)
{
    return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
}

// Reads one line-based source (services(5) or nmap-services), run by run of lines from
// `next_lines`, until every query has its first match; answered queries leave `open`. Only
// the lines that hold a query's needle are parsed, as the parsers parse them.
template <typename NextLines>
void scan_lines(std::uint32_t source, Format format, NextLines&& next_lines, std::vector<OpenQuery>& open,
                std::vector<Match>& matches)
{
    std::vector<std::string_view> aliases;
    std::vector<Diagnostic> diagnostics; // not reported by a lookup
    Entry entry;
    std::uint32_t number = 0;
    while (!open.empty()) {
        const std::string_view run = next_lines();
        if (run.empty())
            break;
        // A port written in octal or hexadecimal lacks its decimal digits: then every line of
        // the run is a candidate (an empty needle is found everywhere).
        const bool every_line = std::ranges::any_of(open,
                                                    [](const OpenQuery& open_query) {
                                                        return open_query.query->kind == Query::Kind::port;
                                                    }) &&
                                may_hold_non_decimal_port(run);
        auto next_candidate = [&](const OpenQuery& open_query, std::size_t from) {
            return find(run, every_line ? std::string_view() : std::string_view(open_query.needle), from);
        };
        for (OpenQuery& open_query : open)
            open_query.next = next_candidate(open_query, 0);
        std::size_t position = 0; // the start of the first line not yet looked at
        while (position < run.size() && !open.empty()) {
            const std::size_t candidate = std::ranges::min(open, {}, &OpenQuery::next).next;
            if (candidate == std::string_view::npos) {
                number += static_cast<std::uint32_t>(line_count_of(run.substr(position)));
                number += run.back() != '\n' ? 1 : 0;
                break;
            }
            // The line that holds the candidate, after the lines skipped before it.
            const std::size_t previous_newline =
                candidate == position ? std::string_view::npos : run.rfind('\n', candidate - 1);
            const std::size_t line_start =
                previous_newline == std::string_view::npos || previous_newline < position
                    ? position
                    : previous_newline + 1;
            number +=
                static_cast<std::uint32_t>(line_count_of(run.substr(position, line_start - position))) + 1;
            const std::string_view line = run.substr(line_start, run.find('\n', line_start) - line_start);
            position = std::min(line_start + line.size() + 1, run.size());
            aliases.clear();
            diagnostics.clear();
            if (parse_line(line, format, number, source, aliases, diagnostics, entry)) {
                entry.aliases = aliases;
                const auto answered = std::ranges::remove_if(
                    open, [&](const OpenQuery& open_query) { return open_query.query->matches(entry); });
                if (answered.begin() != open.end()) {
                    open.erase(answered.begin(), answered.end());
                    matches.push_back({source, number, std::string(line)});
                }
            }
            for (OpenQuery& open_query : open)
                if (open_query.next != std::string_view::npos && open_query.next < position)
                    open_query.next = next_candidate(open_query, position);
        }
    }
}

} // namespace

std::string read_file(const std::string& path)
{
    SourceFile file(path);
    return read_whole(file);
}

Table load_database(std::span<const std::string> specs, std::optional<Format> format, std::string* note,
                    std::vector<std::string>* errors)
{
    std::vector<Table::Part> parts;
    for (OpenSource& source : open_sources(specs, note, errors)) {
        if (!source.file) {
            parts.push_back({std::move(source.name), Format::services, embedded_database(), nullptr});
            continue;
        }
        try {
            // Read, not mapped: a mapped file that shrinks while it is parsed would kill portent (SIGBUS).
            std::string text = read_whole(*source.file);
            check_format(source.name, text, format);
            parts.push_back(Table::Part::holding(std::move(source.name), format, std::move(text)));
        } catch (const SourceError& error) {
            if (!errors)
                throw;
            errors->push_back(error.what());
        }
    }
    return Table(std::move(parts));
}

std::optional<Table> load_first_matches(std::span<const std::string> specs, std::optional<Format> format,
                                        std::span<const Query> queries, std::string* note,
                                        std::size_t block_size)
{
    if (std::ranges::any_of(queries, [](const Query& query) { return query.kind == Query::Kind::range; }))
        return std::nullopt;
    std::vector<OpenSource> sources = open_sources(specs, note);
    // Pipes and the like are read whole by load_database(), which also enforces the size limit.
    if (std::ranges::any_of(sources,
                            [](const OpenSource& source) { return source.file && !source.file->regular(); }))
        return std::nullopt;

    std::vector<OpenQuery> open;
    for (const Query& query : queries)
        open.push_back(
            {&query, query.kind == Query::Kind::port ? std::to_string(query.port_first) : query.name});
    std::vector<Match> matches;
    std::vector<Format> formats;
    for (std::uint32_t index = 0; index < sources.size() && !open.empty(); ++index) {
        OpenSource& source = sources[index];
        if (!source.file) {
            formats.push_back(Format::services);
            bool given = false;
            scan_lines(
                index, Format::services,
                [&] { return std::exchange(given, true) ? std::string_view() : embedded_database(); }, open,
                matches);
            continue;
        }
        LineBlocks blocks(*source.file, block_size);
        const std::string_view start = blocks.peek(enough_to_detect_format);
        check_format(source.name, start, format);
        formats.push_back(format ? *format : detect_format(start));
        if (formats.back() == Format::iana_csv) // records may span lines
            return std::nullopt;
        scan_lines(
            index, formats.back(), [&] { return blocks.next_lines(); }, open, matches);
    }
    if (!open.empty()) // a query without an answer: load_database() tells which sources lack it
        return std::nullopt;

    // The matched lines alone, each with its line number: for each query, its first match is
    // the first entry of this table that matches it, as in the whole database.
    std::vector<Table::Part> parts;
    for (Match& match : matches) {
        Table::Part part =
            Table::Part::holding(sources[match.source].name, formats[match.source], std::move(match.text));
        part.first_line = match.line;
        parts.push_back(std::move(part));
    }
    return Table(std::move(parts));
}

} // namespace portent::services
