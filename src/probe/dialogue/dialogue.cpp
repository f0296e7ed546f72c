#include "probe/dialogue/dialogue.hpp"

#include "probe/dialogue/common.hpp"
#include "util/utf8.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <utility>

namespace portent::probe {

namespace {

struct NamedDialogue
{
    std::string_view name;
    DialogueKind dialogue;
};

constexpr std::array dialogue_kinds = {DialogueKind::generic, DialogueKind::daytime, DialogueKind::time,
                                       DialogueKind::echo,    DialogueKind::http,    DialogueKind::https,
                                       DialogueKind::banner};

// Services whose name differs from their dialogue's.
constexpr std::array services_with_dialogues = {
    NamedDialogue{"www", DialogueKind::http},          NamedDialogue{"www-http", DialogueKind::http},
    NamedDialogue{"http-alt", DialogueKind::http},     NamedDialogue{"webcache", DialogueKind::http},
    NamedDialogue{"ssh", DialogueKind::banner},        NamedDialogue{"smtp", DialogueKind::banner},
    NamedDialogue{"submission", DialogueKind::banner}, NamedDialogue{"ftp", DialogueKind::banner},
    NamedDialogue{"pop3", DialogueKind::banner},       NamedDialogue{"pop2", DialogueKind::banner},
    NamedDialogue{"imap", DialogueKind::banner},       NamedDialogue{"imap2", DialogueKind::banner},
    NamedDialogue{"nntp", DialogueKind::banner},       NamedDialogue{"lmtp", DialogueKind::banner},
    NamedDialogue{"sieve", DialogueKind::banner},
};

} // namespace

std::string_view dialogue_names()
{
    static const std::string names = [] {
        std::string text;
        for (const DialogueKind dialogue : dialogue_kinds)
            text += (text.empty() ? "" : ", ") + std::string(to_string(dialogue));
        return text;
    }();
    return names;
}

std::optional<DialogueKind> dialogue_named(std::string_view name)
{
    for (const DialogueKind dialogue : dialogue_kinds)
        if (to_string(dialogue) == name)
            return dialogue;
    for (const NamedDialogue& named : services_with_dialogues)
        if (named.name == name)
            return named.dialogue;
    return std::nullopt;
}

DialogueKind dialogue_for_service(std::string_view service)
{
    return dialogue_named(service).value_or(DialogueKind::generic);
}

DialogueKind dialogue_over(DialogueKind dialogue, Transport transport)
{
    const bool stream_only =
        dialogue == DialogueKind::http || dialogue == DialogueKind::https || dialogue == DialogueKind::banner;
    return transport == Transport::udp && stream_only ? DialogueKind::generic : dialogue;
}

std::unique_ptr<Dialogue> make_dialogue(const Target& target)
{
    switch (dialogue_over(target.dialogue, target.transport)) {
    case DialogueKind::generic: break;
    case DialogueKind::daytime: return make_daytime_dialogue(target.transport);
    case DialogueKind::time: return make_time_dialogue();
    case DialogueKind::echo: return make_echo_dialogue();
    case DialogueKind::http: return make_http_dialogue(target.host, target.port, HttpOver::plain);
    case DialogueKind::https: return make_http_dialogue(target.host, target.port, HttpOver::tls);
    case DialogueKind::banner: return make_banner_dialogue();
    }
    return make_generic_dialogue(target.transport);
}

namespace dialogue_text {

std::string_view first_line(std::string_view bytes)
{
    std::string_view line = bytes.substr(0, bytes.find('\n'));
    if (line.size() < bytes.size() && line.ends_with('\r'))
        line.remove_suffix(1);
    return line;
}

std::string_view without_line_end(std::string_view bytes)
{
    while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r'))
        bytes.remove_suffix(1);
    return bytes;
}

std::size_t first_not_printable_ascii(std::string_view bytes)
{
    for (std::size_t offset = 0; offset < bytes.size(); ++offset) {
        const char byte = bytes[offset];
        if ((byte < 0x20 || byte > 0x7E) && byte != '\r' && byte != '\n')
            return offset;
    }
    return std::string_view::npos;
}

std::size_t first_not_text(std::string_view bytes)
{
    for (std::size_t offset = 0; offset < bytes.size();) {
        const util::utf8::CodePoint code = util::utf8::decode(bytes.substr(offset));
        const bool control =
            (code.value < 0x20 && code.value != '\t') || (code.value >= 0x7F && code.value <= 0x9F);
        if (code.length == 0 || control)
            return offset;
        offset += code.length;
    }
    return std::string_view::npos;
}

std::string byte_at(std::string_view bytes, std::size_t offset)
{
    char text[48];
    std::snprintf(text, sizeof text, "byte 0x%02x at offset %zu", static_cast<unsigned char>(bytes[offset]),
                  offset);
    return text;
}

std::string unfinished(ReadEnd end)
{
    switch (end) {
    case ReadEnd::complete:
    case ReadEnd::datagram: return "";
    case ReadEnd::end_of_stream: return "connection closed before a complete answer";
    case ReadEnd::byte_cap:
        return "no complete answer in the first " + std::to_string(answer_byte_cap) + " bytes";
    case ReadEnd::deadline: return "no complete answer before the deadline";
    case ReadEnd::reset: return "connection reset during the answer";
    }
    return "";
}

std::string host_and_port(std::string_view host, std::uint16_t port, std::uint16_t default_port)
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const bool ipv6_literal = host.find(':') != std::string_view::npos;
    std::string text;
    if (ipv6_literal)
        text += '[';
    text += host;
    if (ipv6_literal)
        text += ']';
    if (port != default_port) {
        text += ':';
        text += std::to_string(port);
    }
    return text;
}

} // namespace dialogue_text

} // namespace portent::probe
