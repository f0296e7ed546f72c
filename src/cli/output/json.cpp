#include "cli/output.hpp"

#include "cli/text.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <ostream>
#include <utility>

namespace portent::cli {

namespace {

// `open`, each item as `append_item` writes it, separated by commas, then `close`.
template <typename Items, typename AppendItem>
void append_list(std::string& text, char open, char close, const Items& items, AppendItem&& append_item)
{
    text += open;
    bool first = true;
    for (const auto& item : items) {
        if (!std::exchange(first, false))
            text += ',';
        append_item(item);
    }
    text += close;
}

void append_json(std::string& text, const boost::json::value& value)
{
    switch (value.kind()) {
    case boost::json::kind::object:
        append_list(text, '{', '}', value.get_object(), [&](const boost::json::key_value_pair& member) {
            text += boost::json::serialize(boost::json::string_view(member.key()));
            text += ':';
            append_json(text, member.value());
        });
        return;
    case boost::json::kind::array:
        append_list(text, '[', ']', value.get_array(),
                    [&](const boost::json::value& element) { append_json(text, element); });
        return;
    case boost::json::kind::double_: {
        const double number = value.get_double();
        if (!std::isfinite(number)) {
            text += "null";
            return;
        }
        // The shortest plain decimal that reads back as the same double: 0.05, not 5E-2.
        char digits[400];
        const auto [end, error] =
            std::to_chars(std::begin(digits), std::end(digits), number, std::chars_format::fixed);
        text.append(digits, error == std::errc() ? end : digits);
        return;
    }
    default: text += boost::json::serialize(value); return;
    }
}

} // namespace

std::string to_json_text(const boost::json::value& value)
{
    std::string text;
    append_json(text, value);
    return text;
}

boost::json::value text_or_null(std::string_view text)
{
    return text.empty() ? boost::json::value(nullptr) : boost::json::value(valid_utf8(text));
}

void write_json(std::ostream& out, const boost::json::value& document)
{
    out << to_json_text(document) << '\n';
}

JsonArrayWriter::JsonArrayWriter(std::ostream& out) : out_(out)
{
    out_ << '[';
}

void JsonArrayWriter::add(const boost::json::value& element)
{
    if (!std::exchange(empty_, false))
        out_ << ',';
    out_ << to_json_text(element);
}

void JsonArrayWriter::finish()
{
    out_ << "]\n";
}

} // namespace portent::cli
