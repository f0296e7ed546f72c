#include "services/source.hpp"

#include "services/source/source_file.hpp"

#include <algorithm>
#include <utility>

namespace portent::services {

using sources::check_format;
using sources::LineBlocks;
using sources::open_sources;
using sources::OpenSource;
using sources::read_whole;
using sources::SourceFile;

std::string read_file(const std::string& path)
{
    SourceFile file(path);
    return read_whole(file);
}

Table load_database(std::span<const std::string> specs, std::optional<Format> format, std::string* note,
                    std::vector<std::string>* errors)
{
    return Table(read_sources(specs, format, note, errors));
}

std::vector<Table::Part> read_sources(std::span<const std::string> specs, std::optional<Format> format,
                                      std::string* note, std::vector<std::string>* errors)
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
    return parts;
}

bool scan_sources(std::span<const std::string> specs, std::optional<Format> format, const LineScanner& scan,
                  std::string* note, std::size_t block_size)
{
    if (sources::names_a_stream(specs))
        return false;
    std::vector<OpenSource> sources = open_sources(specs, note);
    if (std::ranges::any_of(sources,
                            [](const OpenSource& source) { return source.file && !source.file->regular(); }))
        return false;
    for (std::uint32_t index = 0; index < sources.size(); ++index) {
        OpenSource& source = sources[index];
        if (!source.file) {
            if (!scan({index, source.name, Format::services, embedded_database(), 1}))
                return true;
            continue;
        }
        LineBlocks blocks(*source.file, block_size);
        const std::string_view start = blocks.peek(enough_to_detect_format);
        check_format(source.name, start, format);
        const Format source_format = format ? *format : detect_format(start);
        // Every source is handed out at least once, an empty one as no lines.
        std::uint32_t first_line = 1;
        std::string_view lines = blocks.next_lines(source_format);
        do {
            if (!scan({index, source.name, source_format, lines, first_line}))
                return true;
            first_line += static_cast<std::uint32_t>(newline_count(lines));
            lines = blocks.next_lines(source_format);
        } while (!lines.empty());
    }
    return true;
}

} // namespace portent::services
