#include "probe/dialogue/dialogue.hpp"

#include "probe/dialogue/common.hpp"
#include "util/host.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <string>
#include <utility>

namespace portent::probe {

namespace {

struct NamedDialogue
{
    std::string_view name;
    DialogueKind dialogue;
};

// The transports a dialogue is spoken over; over any other it becomes generic.
enum class SpokenOver
{
    both,
    tcp,
    udp
};

struct DialogueRow
{
    DialogueKind dialogue;
    std::string_view name;
    SpokenOver over;
};

// Every dialogue, in DialogueKind's order: its own name and the transports it is spoken over.
constexpr std::array dialogue_rows = {
    DialogueRow{DialogueKind::generic, "generic", SpokenOver::both},
    DialogueRow{DialogueKind::daytime, "daytime", SpokenOver::both},
    DialogueRow{DialogueKind::time, "time", SpokenOver::both},
    DialogueRow{DialogueKind::echo, "echo", SpokenOver::both},
    DialogueRow{DialogueKind::http, "http", SpokenOver::tcp},
    DialogueRow{DialogueKind::https, "https", SpokenOver::tcp},
    DialogueRow{DialogueKind::tls, "tls", SpokenOver::tcp},
    DialogueRow{DialogueKind::banner, "banner", SpokenOver::tcp},
    DialogueRow{DialogueKind::smtp, "smtp", SpokenOver::tcp},
    DialogueRow{DialogueKind::imap, "imap", SpokenOver::tcp},
    DialogueRow{DialogueKind::pop3, "pop3", SpokenOver::tcp},
    DialogueRow{DialogueKind::ftp, "ftp", SpokenOver::tcp},
    DialogueRow{DialogueKind::dns, "dns", SpokenOver::both},
    DialogueRow{DialogueKind::ntp, "ntp", SpokenOver::udp},
    DialogueRow{DialogueKind::snmp, "snmp", SpokenOver::udp},
};
static_assert([] {
    for (std::size_t index = 0; index < dialogue_rows.size(); ++index)
        if (dialogue_rows[index].dialogue != static_cast<DialogueKind>(index))
            return false;
    return true;
}());

const DialogueRow& row_of(DialogueKind dialogue)
{
    return dialogue_rows.at(static_cast<std::size_t>(dialogue));
}

// Dialogues spoken only when asked for with --as, never for a service's port alone.
constexpr std::array only_when_asked = {DialogueKind::snmp};

// Services whose name differs from their dialogue's.
constexpr std::array services_with_dialogues = {
    NamedDialogue{"www", DialogueKind::http},        NamedDialogue{"www-http", DialogueKind::http},
    NamedDialogue{"http-alt", DialogueKind::http},   NamedDialogue{"webcache", DialogueKind::http},
    NamedDialogue{"ssh", DialogueKind::banner},      NamedDialogue{"submission", DialogueKind::smtp},
    NamedDialogue{"pop2", DialogueKind::banner},     NamedDialogue{"imap2", DialogueKind::imap},
    NamedDialogue{"nntp", DialogueKind::banner},     NamedDialogue{"lmtp", DialogueKind::banner},
    NamedDialogue{"sieve", DialogueKind::banner},    NamedDialogue{"domain", DialogueKind::dns},
    NamedDialogue{"imaps", DialogueKind::tls},       NamedDialogue{"pop3s", DialogueKind::tls},
    NamedDialogue{"submissions", DialogueKind::tls}, NamedDialogue{"smtps", DialogueKind::tls},
    NamedDialogue{"ssmtp", DialogueKind::tls},       NamedDialogue{"ldaps", DialogueKind::tls},
    NamedDialogue{"ftps", DialogueKind::tls},        NamedDialogue{"nntps", DialogueKind::tls},
    NamedDialogue{"ircs-u", DialogueKind::tls},      NamedDialogue{"domain-s", DialogueKind::tls},
};

} // namespace

std::string_view to_string(DialogueKind dialogue)
{
    return row_of(dialogue).name;
}

std::string_view dialogue_names()
{
    static const std::string names = [] {
        std::string text;
        for (const DialogueRow& row : dialogue_rows)
            text += (text.empty() ? "" : ", ") + std::string(row.name);
        return text;
    }();
    return names;
}

std::optional<DialogueKind> dialogue_named(std::string_view name)
{
    for (const DialogueRow& row : dialogue_rows)
        if (row.name == name)
            return row.dialogue;
    for (const NamedDialogue& named : services_with_dialogues)
        if (named.name == name)
            return named.dialogue;
    return std::nullopt;
}

DialogueKind dialogue_for_service(std::string_view service)
{
    const DialogueKind dialogue = dialogue_named(service).value_or(DialogueKind::generic);
    return std::ranges::find(only_when_asked, dialogue) == only_when_asked.end() ? dialogue
                                                                                 : DialogueKind::generic;
}

DialogueKind dialogue_over(DialogueKind dialogue, Transport transport)
{
    const SpokenOver over = row_of(dialogue).over;
    const bool spoken =
        over == SpokenOver::both || (over == SpokenOver::tcp) == (transport == Transport::tcp);
    return spoken ? dialogue : DialogueKind::generic;
}

std::unique_ptr<Dialogue> make_dialogue(const Target& target, const HttpRequest& http)
{
    switch (dialogue_over(target.dialogue, target.transport)) {
    case DialogueKind::generic: break;
    case DialogueKind::daytime: return make_daytime_dialogue(target.transport);
    case DialogueKind::time: return make_time_dialogue();
    case DialogueKind::echo: return make_echo_dialogue();
    case DialogueKind::http: return make_http_dialogue(target.host, target.port, HttpOver::plain, http);
    case DialogueKind::https: return make_http_dialogue(target.host, target.port, HttpOver::tls, http);
    case DialogueKind::tls: return make_generic_dialogue(Transport::tcp); // inside TLS
    case DialogueKind::banner:
    case DialogueKind::smtp:
    case DialogueKind::imap:
    case DialogueKind::pop3:
    case DialogueKind::ftp: return make_banner_dialogue(); // before STARTTLS: see starttls.hpp
    case DialogueKind::dns: return make_dns_dialogue(target.transport);
    case DialogueKind::ntp: return make_ntp_dialogue();
    case DialogueKind::snmp: return make_snmp_dialogue();
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
    std::string text = util::host_with_brackets(util::host_without_brackets(host));
    if (port != default_port) {
        text += ':';
        text += std::to_string(port);
    }
    return text;
}

std::uint32_t random_number()
{
    thread_local std::mt19937 generator{std::random_device{}()};
    return static_cast<std::uint32_t>(generator());
}

} // namespace dialogue_text

} // namespace portent::probe
