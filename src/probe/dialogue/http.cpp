#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

#include <algorithm>
#include <cctype>

namespace portent::probe {

namespace http_exchange {

namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// "HTTP/1.1 200 OK", "HTTP/1.0 404", "HTTP/2 200": a version, a space, three digits, and
// nothing or a space and a reason after them.
bool is_status_line(std::string_view line)
{
    if (!line.starts_with("HTTP/"))
        return false;
    line.remove_prefix(5);
    const std::size_t space = line.find(' ');
    const std::string_view version = line.substr(0, space);
    const bool version_ok =
        (version.size() == 1 && is_digit(version[0])) ||
        (version.size() == 3 && is_digit(version[0]) && version[1] == '.' && is_digit(version[2]));
    if (!version_ok || space == std::string_view::npos)
        return false;
    const std::string_view rest = line.substr(space + 1);
    return rest.size() >= 3 && std::all_of(rest.begin(), rest.begin() + 3, is_digit) &&
           (rest.size() == 3 || rest[3] == ' ');
}

bool equals_ignoring_case(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// The value of the first header called `name` in the header block after the status line.
std::optional<std::string_view> header_value(std::string_view answer, std::string_view name)
{
    std::size_t start = answer.find('\n');
    while (start != std::string_view::npos && start + 1 < answer.size()) {
        const std::string_view line = dialogue_text::first_line(answer.substr(start + 1));
        if (line.empty())
            break;
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos && equals_ignoring_case(trimmed(line.substr(0, colon)), name))
            return trimmed(line.substr(colon + 1));
        start = answer.find('\n', start + 1);
    }
    return std::nullopt;
}

} // namespace

std::string request(std::string_view host, std::uint16_t port, std::uint16_t default_port)
{
    return "GET / HTTP/1.1\r\n"
           "Host: " +
           dialogue_text::host_and_port(host, port, default_port) +
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

Judgement judge(const Reception& reception)
{
    const std::string_view bytes = reception.bytes;
    const std::string_view status_line = dialogue_text::first_line(bytes);
    const bool line_whole = status_line.size() < bytes.size() || reception.end == ReadEnd::end_of_stream;
    Judgement judgement{false, std::string(status_line), ""};
    if (line_whole && is_status_line(status_line)) {
        judgement.passed = true;
        if (auto server = header_value(bytes, "Server"))
            judgement.detail = "Server: " + std::string(*server);
    } else if (bytes.empty()) {
        judgement.detail = reception.end == ReadEnd::end_of_stream ? "connection closed without an answer"
                                                                   : dialogue_text::unfinished(reception.end);
    } else if (!line_whole) {
        judgement.detail = dialogue_text::unfinished(reception.end);
    } else {
        judgement.detail = "not an HTTP status line";
    }
    return judgement;
}

} // namespace http_exchange

namespace {

class HttpDialogue final : public Dialogue
{
public:
    HttpDialogue(std::string_view host, std::uint16_t port) : request_(http_exchange::request(host, port, 80))
    {
    }

    std::string request() override { return request_; }
    bool complete(std::string_view received) const override
    {
        return http_exchange::headers_complete(received);
    }
    Judgement judge(const Reception& reception) const override { return http_exchange::judge(reception); }

private:
    std::string request_;
};

} // namespace

std::unique_ptr<Dialogue> make_http_dialogue(std::string_view host, std::uint16_t port)
{
    return std::make_unique<HttpDialogue>(host, port);
}

} // namespace portent::probe
