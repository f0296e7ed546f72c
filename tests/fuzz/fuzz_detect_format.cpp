// libFuzzer: format sniffing on any bytes. The format detected is never one the text plainly is
// not in (format_mismatch()), and a prefix that enough_to_detect_format() calls enough gets the
// answer of the whole text.
#include "fuzz_check.hpp"
#include "services/parse.hpp"

#include <algorithm>

using namespace portent::services;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text = portent::fuzz::text_of(data, size);
    const Format detected = detect_format(text);
    const std::optional<std::string> mismatch = format_mismatch(text, detected);
    portent::fuzz::require(!mismatch, "the format detected is one the text is plainly not in",
                           std::string(to_string(detected)) + ": " + mismatch.value_or(""));
    for (const Format format : formats)
        (void)format_mismatch(text, format);
    // Prefixes cut at each newline of the first lines, and at a few other places.
    std::size_t cut = 0;
    for (int count = 0; count < 64 && cut < text.size(); ++count) {
        const std::size_t newline = text.find('\n', cut);
        cut = newline == std::string_view::npos ? text.size() : newline + 1;
        for (const std::size_t length : {cut - 1, cut, std::min(cut + 1, text.size())}) {
            const std::string_view prefix = text.substr(0, length);
            if (enough_to_detect_format(prefix))
                portent::fuzz::require(detect_format(prefix) == detected,
                                       "a prefix said to be enough detects another format",
                                       "prefix length " + std::to_string(length) + ": " +
                                           std::string(to_string(detect_format(prefix))) + " for " +
                                           std::string(to_string(detected)));
        }
    }
    return 0;
}
