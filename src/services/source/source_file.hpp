#pragma once

// Inside services: opening and reading the sources that --db names.

#include "services/parse.hpp"
#include "services/parse/iana_csv.hpp"
#include "util/file_descriptor.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace portent::services::sources {

// An open source file, checked as every source is: it exists, may be read, is not a
// directory and, when its size is known, is not over max_source_size.
class SourceFile
{
public:
    explicit SourceFile(std::string path);

    // Standard input, through a descriptor of its own. It is read as a stream, once, whatever
    // it is: its offset is shared with whoever gave it.
    struct StandardInput
    {
    };
    explicit SourceFile(StandardInput);

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] bool regular() const { return regular_; }
    [[nodiscard]] std::size_t size() const { return size_; }

    // Reads up to `size` bytes into `data`; 0 at the end of the file.
    std::size_t read(char* data, std::size_t size);

private:
    // The descriptor is open (errno says why not), no directory, and not too large.
    void check();

    std::string path_;
    util::FileDescriptor file_;
    bool regular_ = false;
    std::size_t size_ = 0;
};

// The whole of a file (a pipe too), at most max_source_size bytes.
[[nodiscard]] std::string read_whole(SourceFile& file);

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
    // empty at the end of the file. For an IANA CSV, whole records: a newline inside a quoted
    // field does not end a run.
    std::string_view next_lines(Format format = Format::services)
    {
        while (true) {
            const std::string_view lines = buffered();
            const std::size_t end = format == Format::iana_csv ? csv_records_end(lines) : lines.rfind('\n');
            if (end != std::string_view::npos || end_of_file_) {
                const std::size_t length = end != std::string_view::npos ? end + 1 : lines.size();
                begin_ += length;
                return lines.substr(0, length);
            }
            read_block();
        }
    }

private:
    // The '\n' that ends the last whole record of `text`; npos when there is none.
    static std::size_t csv_records_end(std::string_view text)
    {
        const std::size_t last_record = csv_record_start(text, 0, text.size());
        return last_record == 0 ? std::string_view::npos : last_record - 1;
    }

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

// Whether a source of `specs` is standard input, a FIFO or a device: read once, whole, never
// opened first to look (a FIFO's writer is gone after one open).
[[nodiscard]] bool names_a_stream(std::span<const std::string> specs);

// Opens every source in order, so that an unreadable one is an error whether or not a lookup
// reaches it; with `errors`, it is left out and its message goes there. With none given:
// "system" when it can be opened, otherwise "embedded" and `note` says why.
[[nodiscard]] std::vector<OpenSource> open_sources(std::span<const std::string> specs, std::string* note,
                                                   std::vector<std::string>* errors = nullptr);

// A --db-format that the text plainly is not in is an error.
void check_format(const std::string& name, std::string_view text, std::optional<Format> format);

} // namespace portent::services::sources
