#include "services/parse.hpp"

#include "services/parse/line_reader.hpp"

namespace portent::services {

std::string_view to_string(Format format)
{
    switch (format) {
    case Format::services: return "services";
    case Format::nmap: return "nmap";
    case Format::iana_csv: return "iana-csv";
    }
    return "";
}

std::optional<Format> format_from_string(std::string_view name)
{
    for (Format format : {Format::services, Format::nmap, Format::iana_csv})
        if (name == to_string(format))
            return format;
    return std::nullopt;
}

ParseResult parse(std::string_view text, Format format, std::uint32_t source, std::uint32_t first_line)
{
    if (format == Format::iana_csv)
        return parse_iana_csv(text, source, first_line);
    return parsing::parse_lines(text, format, source, first_line);
}

} // namespace portent::services
