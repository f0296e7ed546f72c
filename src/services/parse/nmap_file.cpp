// nmap-services: NAME<TAB>PORT/PROTO<TAB>OPEN-FREQUENCY [# COMMENT]; the line up to PORT/PROTO
// as in services(5) (services_file.cpp).
#include "services/parse/line_reader.hpp"

#include "util/ascii.hpp"

#include <charconv>

namespace portent::services {

// The value goes out through a reference: a returned optional would go through memory and stall
// on the way back.
bool parsing::read_decimal(std::string_view text, double& value)
{
    constexpr double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    std::uint64_t mantissa = 0;
    std::size_t digits = 0;
    std::size_t fraction_digits = 0;
    bool point = false;
    bool plain = !text.empty() && text.size() <= 16;
    for (std::size_t i = 0; plain && i < text.size(); ++i) {
        if (util::is_digit(text[i])) {
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
            ++digits;
            fraction_digits += point ? 1 : 0;
        } else if (text[i] == '.' && !point) {
            point = true;
        } else {
            plain = false;
        }
    }
    // Both values are exact doubles (at most 15 digits), so the quotient is correctly rounded.
    if (plain && digits > 0 && digits <= 15) {
        value = static_cast<double>(mantissa) / powers_of_ten[fraction_digits];
        return true;
    }
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    return !text.empty() && error == std::errc() && stop == end;
}

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
        entry.set_frequency(frequency);
    if (!next_token(rest).empty())
        diagnostics.push_back({source, number, "unexpected text after the open-frequency"});
}

ParseResult parse_nmap(std::string_view text, std::uint32_t source, std::uint32_t first_line)
{
    return parsing::parse_lines(text, Format::nmap, source, first_line);
}

} // namespace portent::services
