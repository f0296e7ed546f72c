#pragma once

#include "services/table.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace portent::services {

// A table of one source, "test", holding `text`.
inline Table table_of(std::string text, std::optional<Format> format = Format::services)
{
    std::vector<Table::Part> parts;
    parts.push_back(Table::Part::holding("test", format, std::move(text)));
    return Table(std::move(parts));
}

} // namespace portent::services
