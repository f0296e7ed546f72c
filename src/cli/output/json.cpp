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

// A number in plain decimal, the shortest that reads back as the same double (0.05, not 5E-2);
// one that is not finite as null.
void append_json_number(std::string& text, double number)
{
    if (!std::isfinite(number)) {
        text += "null";
        return;
    }
    char digits[400];
    const auto [end, error] =
        std::to_chars(std::begin(digits), std::end(digits), number, std::chars_format::fixed);
    text.append(digits, error == std::errc() ? end : digits);
}

void append_json_number(std::string& text, std::uint64_t number)
{
    char digits[24];
    const auto [end, error] = std::to_chars(std::begin(digits), std::end(digits), number);
    text.append(digits, error == std::errc() ? end : digits);
}

void append_json(std::string& text, const boost::json::value& value)
{
    switch (value.kind()) {
    case boost::json::kind::object:
        append_list(text, '{', '}', value.get_object(), [&](const boost::json::key_value_pair& member) {
            append_json_string(text, member.key());
            text += ':';
            append_json(text, member.value());
        });
        return;
    case boost::json::kind::array:
        append_list(text, '[', ']', value.get_array(),
                    [&](const boost::json::value& element) { append_json(text, element); });
        return;
    case boost::json::kind::double_: append_json_number(text, value.get_double()); return;
    case boost::json::kind::string: append_json_string(text, value.get_string()); return;
    default: text += boost::json::serialize(value); return;
    }
}

} // namespace

void append_json_string(std::string& text, std::string_view string)
{
    constexpr std::string_view hex = "0123456789abcdef";
    text += '"';
    std::size_t plain = 0; // the start of the bytes not yet appended, which need no escape
    for (std::size_t at = 0; at < string.size(); ++at) {
        const auto byte = static_cast<unsigned char>(string[at]);
        if (byte >= 0x20 && byte != '"' && byte != '\\')
            continue;
        text.append(string.substr(plain, at - plain));
        plain = at + 1;
        text += '\\';
        switch (byte) {
        case '"': text += '"'; break;
        case '\\': text += '\\'; break;
        case '\b': text += 'b'; break;
        case '\t': text += 't'; break;
        case '\n': text += 'n'; break;
        case '\f': text += 'f'; break;
        case '\r': text += 'r'; break;
        default:
            text += "u00";
            text += hex[byte >> 4U];
            text += hex[byte & 0xFU];
        }
    }
    text.append(string.substr(plain));
    text += '"';
}

JsonObjectText::JsonObjectText(std::string& text) : text_(text)
{
    text_ += '{';
}

void JsonObjectText::key(std::string_view key)
{
    text_ += std::exchange(first_, false) ? "\"" : ",\"";
    text_ += key;
    text_ += "\":";
}

void JsonObjectText::text(std::string_view key, std::string_view value)
{
    this->key(key);
    append_json_string(text_, value);
}

void JsonObjectText::valid_text(std::string_view key, std::string_view bytes)
{
    if (is_ascii(bytes))
        text(key, bytes);
    else
        text(key, valid_utf8(bytes));
}

void JsonObjectText::text_or_null(std::string_view key, std::string_view value)
{
    if (value.empty())
        null(key);
    else
        valid_text(key, value);
}

void JsonObjectText::null(std::string_view key)
{
    this->key(key);
    text_ += "null";
}

void JsonObjectText::number(std::string_view key, std::uint64_t value)
{
    this->key(key);
    append_json_number(text_, value);
}

void JsonObjectText::number(std::string_view key, double value)
{
    this->key(key);
    append_json_number(text_, value);
}

void JsonObjectText::value(std::string_view key, const boost::json::value& value)
{
    this->key(key);
    append_json(text_, value);
}

void JsonObjectText::finish()
{
    text_ += '}';
}

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
    add_text(to_json_text(element));
}

void JsonArrayWriter::add_text(std::string_view element)
{
    if (!std::exchange(empty_, false))
        out_ << ',';
    out_ << element;
}

void JsonArrayWriter::finish()
{
    out_ << "]\n";
}

} // namespace portent::cli
