#pragma once

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

// ASCII character tests and case folding, as the C locale has them: bytes outside ASCII are
// never digits, spaces or letters.
namespace portent::util {

[[nodiscard]] constexpr bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

[[nodiscard]] constexpr bool is_hex_digit(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The white space of isspace() in the C locale: space, \t, \n, \v, \f, \r.
inline constexpr std::string_view spaces = " \t\n\v\f\r";

namespace detail {
inline constexpr std::array<bool, 256> space_table = [] {
    std::array<bool, 256> table{};
    for (const char c : spaces)
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();
} // namespace detail

// isspace() in the C locale, as glibc splits services(5) lines (a table: no branches).
[[nodiscard]] constexpr bool is_space(char c)
{
    return detail::space_table[static_cast<unsigned char>(c)];
}

// isblank(): a space or a tab.
[[nodiscard]] constexpr bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

[[nodiscard]] constexpr bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

// isalnum() in the C locale: an ASCII letter or digit.
[[nodiscard]] constexpr bool is_alphanumeric(char c)
{
    return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z');
}

// The lower-case letter of an upper-case ASCII letter; any other byte as it is.
[[nodiscard]] constexpr char to_lower(char c)
{
    return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

// A copy of `text` with every upper-case ASCII letter in lower case.
[[nodiscard]] inline std::string lowered(std::string_view text)
{
    std::string lower(text);
    std::ranges::transform(lower, lower.begin(), [](char c) { return to_lower(c); });
    return lower;
}

// `text` without the characters that `drop` takes at either end.
template <typename Predicate>
[[nodiscard]] constexpr std::string_view trim_if(std::string_view text, Predicate&& drop)
{
    while (!text.empty() && drop(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && drop(text.back()))
        text.remove_suffix(1);
    return text;
}

// `text` without white space (is_space()) at either end.
[[nodiscard]] constexpr std::string_view trim(std::string_view text)
{
    return trim_if(text, [](char c) { return is_space(c); });
}

[[nodiscard]] constexpr bool equals_ignoring_case(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::ranges::equal(a, b, [](char x, char y) { return to_lower(x) == to_lower(y); });
}

// Whether `text` holds `lower_case_needle`, which is already in lower case (lowered()),
// ignoring the ASCII case of `text`. An empty needle is in every text.
[[nodiscard]] constexpr bool contains_ignoring_case(std::string_view text, std::string_view lower_case_needle)
{
    if (lower_case_needle.size() > text.size())
        return false;
    const std::size_t last = text.size() - lower_case_needle.size();
    for (std::size_t start = 0; start <= last; ++start) {
        std::size_t i = 0;
        while (i < lower_case_needle.size() && to_lower(text[start + i]) == lower_case_needle[i])
            ++i;
        if (i == lower_case_needle.size())
            return true;
    }
    return false;
}

// The words of `text` between runs of `separators` (white space by default), in order; none
// for a text of separators only.
[[nodiscard]] inline std::vector<std::string_view> split_words(std::string_view text,
                                                               std::string_view separators = spaces)
{
    std::vector<std::string_view> words;
    for (std::size_t start = text.find_first_not_of(separators); start != std::string_view::npos;) {
        const std::size_t end = std::min(text.find_first_of(separators, start), text.size());
        words.push_back(text.substr(start, end - start));
        start = text.find_first_not_of(separators, end);
    }
    return words;
}

} // namespace portent::util
