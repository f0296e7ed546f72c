#pragma once

// Inside services: the records a block scan keeps, gathered into one part of a table for each
// source, so that the table built from them numbers and orders its sources as the whole
// database does (the first source listed wins) and gives each entry its line in its file.

#include "services/source.hpp"
#include "services/table.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portent::services::sources {

// Whether a '\n' ends `record`, a view into `run.lines`, in its file: a run holds whole records,
// the last record of a file perhaps without its '\n'.
[[nodiscard]] inline bool ends_a_record(const SourceLines& run, std::string_view record)
{
    return record.data() + record.size() < run.lines.data() + run.lines.size();
}

class MatchedRecords
{
public:
    // Notes the source of `run`, so that it has its part even when no record of it is kept.
    void enter(const SourceLines& run);

    // Keeps `record` (a line, or a CSV record, without its last '\n'), a view into `run.lines`
    // whose first line is number `number` of its source.
    void keep(const SourceLines& run, std::string_view record, std::uint32_t number);
    // The same for a record kept apart, of source `source` (entered before), which a '\n' ends
    // in its file when `terminated`.
    void keep(std::uint32_t source, std::string_view record, bool terminated, std::uint32_t number);

    // A part for each source entered, in order, holding the records kept of it.
    [[nodiscard]] std::vector<Table::Part> parts() &&;

    // How many records were kept.
    [[nodiscard]] std::size_t size() const { return kept_; }

private:
    struct Found
    {
        std::string name;
        Format format = Format::services;
        std::string text;
        std::vector<std::uint32_t> line_numbers;
    };

    std::vector<Found> sources_;
    std::size_t kept_ = 0;
};

} // namespace portent::services::sources
