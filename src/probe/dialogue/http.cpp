#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"
#include "util/ascii.hpp"

#include <algorithm>

// HTTP/1.1 (RFC 9110, 9112), spoken in the clear (http) or inside TLS (https: the runner does
// the handshake).
namespace portent::probe {

namespace {

using util::is_digit;

bool is_token_character(char c)
{
    return util::is_alphanumeric(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A control character other than HTAB (RFC 9110 field values and RFC 9112 reason phrases allow
// HTAB, SP, VCHAR and obs-text); npos when none.
std::size_t first_control(std::string_view text)
{
    for (std::size_t offset = 0; offset < text.size(); ++offset)
        if ((static_cast<unsigned char>(text[offset]) < 0x20 && text[offset] != '\t') || text[offset] == 0x7F)
            return offset;
    return std::string_view::npos;
}

// RFC 9112: status-line = HTTP-version SP status-code SP [ reason-phrase ], with HTTP-version
// "HTTP/" DIGIT "." DIGIT; RFC 9110: a status code is 100-599. The SP before an empty reason
// phrase, often left out, is not required. "" when `line` is one, else why not.
std::string status_line_problem(std::string_view line)
{
    const bool shaped = line.size() >= 12 && line.starts_with("HTTP/") && is_digit(line[5]) &&
                        line[6] == '.' && is_digit(line[7]) && line[8] == ' ' && is_digit(line[9]) &&
                        is_digit(line[10]) && is_digit(line[11]) && (line.size() == 12 || line[12] == ' ');
    if (!shaped)
        return "not an HTTP status line";
    const std::string_view code = line.substr(9, 3);
    if (code < "100" || code > "599")
        return "status code " + std::string(code) + " is outside 100-599 (RFC 9110)";
    const std::string_view reason = line.size() > 12 ? line.substr(13) : "";
    if (const std::size_t bad = first_control(reason); bad != std::string_view::npos)
        return "not an HTTP status line: " + dialogue_text::byte_at(line, 13 + bad) + " in the reason phrase";
    return "";
}

// RFC 9112: field-line = field-name ":" OWS field-value OWS, the name a token; a line that
// starts with SP or HTAB continues the one before (obsolete, still read). "" when it is one.
std::string field_line_problem(std::string_view line, std::size_t number)
{
    const bool continued = line.starts_with(' ') || line.starts_with('\t');
    const std::size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (!continued && (colon == std::string_view::npos || name.empty() ||
                       !std::all_of(name.begin(), name.end(), is_token_character)))
        return "header line " + std::to_string(number) + " is not a field (name: value)";
    if (const std::size_t bad = first_control(line); bad != std::string_view::npos)
        return "header line " + std::to_string(number) + ": " + dialogue_text::byte_at(line, bad);
    return "";
}

std::string_view trimmed(std::string_view text)
{
    return util::trim_if(text, util::is_blank);
}

std::string get_request(std::string_view host, std::uint16_t port, std::uint16_t default_port,
                        const HttpRequest& asked)
{
    return "GET " + asked.path +
           " HTTP/1.1\r\n"
           "Host: " +
           (asked.host.empty() ? dialogue_text::host_and_port(host, port, default_port) : asked.host) +
           "\r\n"
           "User-Agent: portent/" PORTENT_PROBE_VERSION "\r\n"
           "Accept: */*\r\n"
           "Connection: close\r\n"
           "\r\n";
}

bool headers_complete(std::string_view received)
{
    return received.find("\r\n\r\n") != std::string_view::npos ||
           received.find("\n\n") != std::string_view::npos;
}

Judgement judge_http(const Reception& reception)
{
    const std::string_view bytes = reception.bytes;
    const std::string_view status_line = dialogue_text::first_line(bytes);
    Judgement judgement{false, std::string(status_line), ""};
    const auto fail = [&judgement](std::string reason) {
        judgement.detail = std::move(reason);
        return judgement;
    };
    if (bytes.empty())
        return fail(reception.end == ReadEnd::end_of_stream ? "connection closed without an answer"
                                                            : dialogue_text::unfinished(reception.end));
    const bool line_whole = status_line.size() < bytes.size() || reception.end == ReadEnd::end_of_stream;
    if (!line_whole)
        return fail(dialogue_text::unfinished(reception.end));
    if (std::string problem = status_line_problem(status_line); !problem.empty())
        return fail(std::move(problem));

    // The header section: field lines up to an empty line.
    std::size_t start = bytes.find('\n');
    bool ended = false;
    for (std::size_t number = 1; start != std::string_view::npos && start + 1 < bytes.size(); ++number) {
        const std::string_view rest = bytes.substr(start + 1);
        const std::string_view line = dialogue_text::first_line(rest);
        if (line.size() == rest.size() && reception.end != ReadEnd::end_of_stream)
            break; // a line still arriving
        if (line.empty()) {
            ended = true;
            break;
        }
        if (std::string problem = field_line_problem(line, number); !problem.empty())
            return fail(std::move(problem));
        start = bytes.find('\n', start + 1);
    }
    if (!ended && reception.end != ReadEnd::byte_cap)
        return fail(reception.end == ReadEnd::end_of_stream ? "connection closed inside the header section"
                                                            : dialogue_text::unfinished(reception.end));
    judgement.passed = true;
    if (auto server = http_header_value(bytes, "Server"))
        judgement.detail = "Server: " + std::string(*server);
    return judgement;
}

// One GET and the status line and header section it gets back. Over TLS, the detail names the
// TLS version the handshake agreed.
class HttpDialogue final : public Dialogue
{
public:
    HttpDialogue(std::string_view host, std::uint16_t port, HttpOver over, const HttpRequest& asked)
        : request_(get_request(host, port, over == HttpOver::tls ? 443 : 80, asked))
    {
    }

    std::string request() override { return request_; }
    bool complete(std::string_view received) const override { return headers_complete(received); }
    Judgement judge(const Reception& reception) const override
    {
        Judgement judgement = judge_http(reception);
        if (!reception.tls_version.empty())
            judgement.detail = std::string(reception.tls_version) + (judgement.detail.empty() ? "" : ", ") +
                               judgement.detail;
        return judgement;
    }

private:
    std::string request_;
};

} // namespace

std::unique_ptr<Dialogue> make_http_dialogue(std::string_view host, std::uint16_t port, HttpOver over,
                                             const HttpRequest& asked)
{
    return std::make_unique<HttpDialogue>(host, port, over, asked);
}

std::optional<std::string_view> http_header_value(std::string_view answer, std::string_view name)
{
    std::size_t start = answer.find('\n');
    while (start != std::string_view::npos && start + 1 < answer.size()) {
        const std::string_view line = dialogue_text::first_line(answer.substr(start + 1));
        if (line.empty())
            break;
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos &&
            util::equals_ignoring_case(trimmed(line.substr(0, colon)), name))
            return trimmed(line.substr(colon + 1));
        start = answer.find('\n', start + 1);
    }
    return std::nullopt;
}

std::string http_path_problem(std::string_view path)
{
    if (!path.starts_with('/'))
        return "must start with /";
    for (std::size_t offset = 0; offset < path.size(); ++offset) {
        const char c = path[offset];
        const auto byte = static_cast<unsigned char>(c);
        if (byte == ' ')
            return "holds a space (write it as %20)";
        if (byte < 0x20 || byte == 0x7F)
            return "holds a control character (" + dialogue_text::byte_at(path, offset) + ")";
        if (byte >= 0x80)
            return "holds a byte that is not ASCII (" + dialogue_text::byte_at(path, offset) +
                   "): percent-encode it";
        if (c == '#')
            return "holds #: a fragment is never sent to a server";
    }
    return "";
}

std::string http_host_problem(std::string_view host)
{
    if (host.empty())
        return "is empty";
    // RFC 3986 authority without userinfo: unreserved, pct-encoded, sub-delims, ":", and the
    // brackets of an IP literal.
    constexpr std::string_view allowed_punctuation = "-._~%!$&'()*+,;=:[]";
    for (std::size_t offset = 0; offset < host.size(); ++offset) {
        const char c = host[offset];
        const bool allowed =
            util::is_alphanumeric(c) || allowed_punctuation.find(c) != std::string_view::npos;
        if (!allowed)
            return "holds " + dialogue_text::byte_at(host, offset) +
                   ", which a Host header cannot (a host name or address, and an optional :PORT)";
    }
    return "";
}

} // namespace portent::probe
