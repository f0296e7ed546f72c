#include "probe/dialogue/common.hpp"
#include "probe/identify/rules.hpp"
#include "util/ascii.hpp"

#include <array>
#include <memory>

// The short requests sent to a server that says nothing unasked, and what their replies say.
namespace portent::probe::identify {

namespace {

// RESP (Redis serialization protocol): where the reply starting at `at` ends, or npos while it
// is not whole. Simple strings, errors and integers are one line; a bulk string is a length
// line, that many bytes and CRLF.
std::size_t resp_reply_end(std::string_view bytes, std::size_t at)
{
    const std::size_t line_end = bytes.find("\r\n", at);
    if (at >= bytes.size() || line_end == std::string_view::npos)
        return std::string_view::npos;
    if (bytes[at] != '$')
        return line_end + 2;
    std::size_t length = 0;
    for (std::size_t index = at + 1; index < line_end; ++index) {
        if (!util::is_digit(bytes[index]))
            return line_end + 2; // $-1 (no value) or not RESP: one line
        length = length * 10 + static_cast<std::size_t>(bytes[index] - '0');
        if (length > answer_byte_cap)
            return bytes.size(); // longer than is ever read: what came is all there is
    }
    const std::size_t end = line_end + 2 + length + 2;
    return end <= bytes.size() ? end : std::string_view::npos;
}

constexpr std::string_view redis_request = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n";

std::optional<Identification> redis(std::string_view reply)
{
    const std::string_view line = dialogue_text::first_line(reply);
    std::string_view evidence;
    if (line == "+PONG")
        evidence = "+PONG to PING (RESP)";
    else if (line.starts_with("-NOAUTH ") || line.starts_with("-DENIED Redis") ||
             line.starts_with("-WRONGPASS "))
        evidence = "RESP error to PING: authentication asked";
    else
        return std::nullopt;
    ProductVersion product{"Redis", ""};
    if (const std::size_t at = reply.find("\nredis_version:"); at != std::string_view::npos) {
        const std::string_view rest = reply.substr(at + 15);
        product.version = util::trim(rest.substr(0, rest.find('\n')));
    }
    return named("redis", evidence, product);
}

// The text protocol's "version" command: "VERSION 1.6.18".
std::optional<Identification> memcached(std::string_view reply)
{
    const std::string_view line = dialogue_text::first_line(reply);
    if (!line.starts_with("VERSION ") || line.size() == 8)
        return std::nullopt;
    return named("memcached", "VERSION to version (memcached text protocol)",
                 {"memcached", std::string(util::trim(line.substr(8)))});
}

// MQTT 3.1.1, 3.1: CONNECT with the clean-session flag, a 30 s keep-alive and client ID "portent".
constexpr std::string_view mqtt_connect =
    std::string_view("\x10\x13\x00\x04MQTT\x04\x02\x00\x1e\x00\x07portent", 21);

// MQTT 3.1.1, 3.2: CONNACK is 0x20, remaining length 2, the session-present flag, a return code 0-5.
std::optional<Identification> mqtt(std::string_view reply)
{
    if (reply.size() < 4 || reply[0] != '\x20' || reply[1] != '\x02' ||
        static_cast<unsigned char>(reply[2]) > 1 || static_cast<unsigned char>(reply[3]) > 5)
        return std::nullopt;
    return named("mqtt", "CONNACK to CONNECT (MQTT 3.1.1)");
}

// PostgreSQL protocol 3.0: SSLRequest is length 8 and code 80877103.
constexpr std::string_view ssl_request = std::string_view("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8);

// StartupMessage, protocol 3.0, user and database "portent": a server answers it with an
// authentication request ('R') or an error ('E') before anyone logs in.
std::string startup_message()
{
    using namespace std::string_view_literals;
    const std::string_view body = "user\0portent\0database\0portent\0application_name\0portent\0\0"sv;
    std::string message;
    dialogue_text::append_big_endian(message, 8 + body.size(), 4);
    dialogue_text::append_big_endian(message, 196608, 4); // 3.0
    message += body;
    return message;
}

// A backend message ('R' or 'E', a 4-byte length that counts itself) whole at the start of `bytes`.
bool backend_message(std::string_view bytes)
{
    if (bytes.size() < 5 || (bytes[0] != 'R' && bytes[0] != 'E'))
        return false;
    const std::uint64_t length = dialogue_text::big_endian(bytes.substr(1, 4));
    return length >= 4 && length < answer_byte_cap && bytes.size() >= 1 + length;
}

std::optional<Identification> postgresql(std::string_view reply)
{
    if (reply == "S")
        return named("postgresql", "'S' to SSLRequest (PostgreSQL protocol 3.0)", {"PostgreSQL", ""});
    if (reply.starts_with('N') && backend_message(reply.substr(1)))
        return named(
            "postgresql",
            reply[1] == 'R'
                ? "'N' to SSLRequest, an authentication request to StartupMessage (PostgreSQL protocol 3.0)"
                : "'N' to SSLRequest, an error to StartupMessage (PostgreSQL protocol 3.0)",
            {"PostgreSQL", ""});
    return std::nullopt;
}

// The HTTP dialogue, for its reading of a reply: when the header section is whole, and whether
// it is HTTP. Its request is never sent (request_of() makes one for the target).
const Dialogue& http_reader()
{
    static const std::unique_ptr<Dialogue> reader = make_http_dialogue("", 80, HttpOver::plain);
    return *reader;
}

std::optional<Identification> http(std::string_view reply, ReadEnd end, HttpOver over)
{
    const Judgement judgement = http_reader().judge({reply, end});
    if (!judgement.passed.value_or(false) || !reply.starts_with("HTTP/") || suggests_tls(reply))
        return std::nullopt;
    ProductVersion product;
    if (const auto server = http_header_value(reply, "Server"))
        product = split_product(server->substr(0, server->find(' ')));
    return named(over == HttpOver::tls ? "https" : "http", "HTTP status line to GET (RFC 9112)", product);
}

} // namespace

std::string_view to_string(Probe probe)
{
    switch (probe) {
    case Probe::http: return "HTTP GET";
    case Probe::tls: return "TLS ClientHello";
    case Probe::redis: return "Redis PING";
    case Probe::memcached: return "memcached version";
    case Probe::mqtt: return "MQTT CONNECT";
    case Probe::postgresql: return "PostgreSQL SSLRequest";
    }
    return "";
}

std::string request_of(Probe probe, std::string_view host, std::uint16_t port)
{
    switch (probe) {
    case Probe::http: return make_http_dialogue(host, port, HttpOver::plain)->request();
    case Probe::tls: return make_http_dialogue(host, port, HttpOver::tls)->request(); // inside TLS
    case Probe::redis: return std::string(redis_request);
    case Probe::memcached: return "version\r\n";
    case Probe::mqtt: return std::string(mqtt_connect);
    case Probe::postgresql: return std::string(ssl_request);
    }
    return "";
}

bool reply_complete(Probe probe, std::string_view reply)
{
    if (reply.empty())
        return false;
    switch (probe) {
    case Probe::http:
    case Probe::tls:
        // Not HTTP: a line, or a few bytes, tell enough. HTTP: the header section, and for a
        // 400 (nginx's "plain HTTP request was sent to HTTPS port") the page after it.
        if (!std::string_view("HTTP/").starts_with(reply.substr(0, 5)))
            return reply.find('\n') != std::string_view::npos || reply.size() >= 16 ||
                   static_cast<unsigned char>(reply[0]) < 0x20;
        return http_reader().complete(reply) &&
               (!reply.starts_with("HTTP/1.1 400") || reply.find("</html>") != std::string_view::npos);
    case Probe::redis: {
        if (std::string_view("+-$*:").find(reply[0]) == std::string_view::npos)
            return reply.find('\n') != std::string_view::npos || reply.size() >= 16;
        const std::size_t first = resp_reply_end(reply, 0);
        return first != std::string_view::npos && resp_reply_end(reply, first) != std::string_view::npos;
    }
    case Probe::memcached: return reply.find('\n') != std::string_view::npos || reply.size() >= 64;
    case Probe::mqtt: return reply.size() >= 4;
    case Probe::postgresql:
        return reply.size() == 1 ? reply == "N" || reply == "S" : backend_message(reply) || reply.size() > 5;
    }
    return true;
}

std::string follow_up(Probe probe, std::string_view reply)
{
    return probe == Probe::postgresql && reply == "N" ? startup_message() : "";
}

std::optional<Identification> from_reply(Probe probe, std::string_view reply, ReadEnd end)
{
    switch (probe) {
    case Probe::http: return http(reply, end, HttpOver::plain);
    case Probe::tls: return http(reply, end, HttpOver::tls);
    case Probe::redis: return redis(reply);
    case Probe::memcached: return memcached(reply);
    case Probe::mqtt: return mqtt(reply);
    case Probe::postgresql: return postgresql(reply);
    }
    return std::nullopt;
}

bool suggests_tls(std::string_view reply)
{
    // RFC 8446, 5.1: a record of type alert (21), legacy version 3.x.
    if (reply.size() >= 2 && reply[0] == '\x15' && reply[1] == '\x03')
        return true;
    return reply.starts_with("HTTP/") && reply.find("sent to HTTPS port") != std::string_view::npos;
}

std::string over_tls(std::string_view service)
{
    constexpr std::array<std::array<std::string_view, 2>, 6> names = {{{"http", "https"},
                                                                       {"imap", "imaps"},
                                                                       {"pop3", "pop3s"},
                                                                       {"smtp", "submissions"},
                                                                       {"ftp", "ftps"},
                                                                       {"nntp", "nntps"}}};
    for (const auto& [plain, secure] : names)
        if (service == plain)
            return std::string(secure);
    return std::string(service);
}

} // namespace portent::probe::identify
