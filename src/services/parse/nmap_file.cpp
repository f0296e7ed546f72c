// nmap-services: NAME<TAB>PORT/PROTO<TAB>OPEN-FREQUENCY [# COMMENT]; the line up to PORT/PROTO
// as in services(5) (services_file.cpp).
#include "services/parse/line_reader.hpp"

namespace portent::services {

void parsing::read_open_frequency(std::string_view rest, std::uint32_t number, std::uint32_t source,
                                  std::vector<Diagnostic>& diagnostics, Entry& entry)
{
    const std::string_view frequency_text = next_token(rest);
    double frequency = 0;
    if (frequency_text.empty())
        diagnostics.push_back({source, number, "missing open-frequency"});
    else if (!read_decimal(frequency_text, frequency) || !(frequency >= 0 && frequency <= 1)) // NaN too
        diagnostics.push_back(
            {source, number, "open-frequency " + quoted(frequency_text) + " is not a number from 0 to 1"});
    else
        entry.frequency = frequency;
    if (!next_token(rest).empty())
        diagnostics.push_back({source, number, "unexpected text after the open-frequency"});
}

ParseResult parse_nmap(std::string_view text, std::uint32_t source, std::uint32_t first_line)
{
    return parsing::parse_lines(text, Format::nmap, source, first_line);
}

} // namespace portent::services
