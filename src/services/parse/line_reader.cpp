#include "services/parse/line_reader.hpp"

#include <algorithm>

namespace portent::services {

std::size_t newline_count(std::string_view text)
{
    std::size_t count = 0;
    std::size_t i = 0;
#if defined(__SSE2__)
    // Sixteen bytes a step, each lane counting up to 255 newlines before the lanes are summed
    // (std::count widens every step to 64-bit counters and takes several times longer).
    const __m128i newline = _mm_set1_epi8('\n');
    while (i + 16 <= text.size()) {
        const std::size_t steps = std::min<std::size_t>((text.size() - i) / 16, 255);
        __m128i lanes = _mm_setzero_si128();
        for (std::size_t step = 0; step < steps; ++step, i += 16)
            lanes = _mm_sub_epi8(
                lanes,
                _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i)), newline));
        const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
        count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
                 static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; i < text.size(); ++i)
        count += text[i] == '\n' ? 1 : 0;
    return count;
}

} // namespace portent::services
