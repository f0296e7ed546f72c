#include "services/source/matched_records.hpp"

#include <utility>

namespace portent::services::sources {

void MatchedRecords::enter(const SourceLines& run)
{
    while (sources_.size() <= run.source)
        sources_.emplace_back();
    Found& found = sources_[run.source];
    if (found.name.empty()) {
        found.name = run.name;
        found.format = run.format;
    }
}

void MatchedRecords::keep(const SourceLines& run, std::string_view record, std::uint32_t number)
{
    enter(run);
    keep(run.source, record, ends_a_record(run, record), number);
}

void MatchedRecords::keep(std::uint32_t source, std::string_view record, bool terminated,
                          std::uint32_t number)
{
    Found& found = sources_.at(source);
    found.text.append(record);
    // Its '\n' too, unless it ended the file without one (the CSV reader keeps a '\r' before
    // the end of the text, as it would there).
    if (terminated)
        found.text.push_back('\n');
    const std::size_t lines = 1 + newline_count(record);
    for (std::size_t line = 0; line < lines; ++line)
        found.line_numbers.push_back(number + static_cast<std::uint32_t>(line));
    ++kept_;
}

std::vector<Table::Part> MatchedRecords::parts() &&
{
    std::vector<Table::Part> parts;
    parts.reserve(sources_.size());
    for (Found& found : sources_) {
        Table::Part part = Table::Part::holding(std::move(found.name), found.format, std::move(found.text));
        part.first_line = found.line_numbers.empty() ? 1 : found.line_numbers.front();
        part.line_numbers = std::move(found.line_numbers);
        parts.push_back(std::move(part));
    }
    return parts;
}

} // namespace portent::services::sources
