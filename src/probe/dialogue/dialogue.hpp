#pragma once

#include "probe/dialogues.hpp"
#include "probe/target.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace portent::probe {

// The most bytes of an answer a probe reads; whatever follows is never read.
inline constexpr std::size_t answer_byte_cap = 4096;

// How long a generic TCP probe waits, within its deadline, for what a server says unasked: a
// banner, or chargen's first lines from a server that forks for each connection. Only open
// ports that stay silent wait this long, side by side, so a scan of many ports stays quick.
inline constexpr std::chrono::milliseconds unasked_answer_wait{100};

// Why reading an answer stopped.
enum class ReadEnd
{
    complete,      // the dialogue said the answer was whole
    end_of_stream, // the server closed the connection
    byte_cap,      // answer_byte_cap bytes arrived
    deadline,      // the target's deadline passed
    reset,         // the connection was reset, or failed otherwise, during the answer
    datagram       // a UDP reply arrived
};

// What a dialogue judges: the bytes received and how reading them ended.
struct Reception
{
    Reception(std::string_view bytes, ReadEnd end,
              std::chrono::system_clock::time_point received_at = std::chrono::system_clock::now(),
              std::string_view tls_version = {})
        : bytes(bytes), end(end), received_at(received_at), tls_version(tls_version)
    {
    }

    std::string_view bytes;
    ReadEnd end;
    std::chrono::system_clock::time_point received_at;
    std::string_view tls_version; // "TLSv1.3", …, for https
};

struct Judgement
{
    std::optional<bool> passed; // nullopt: the dialogue has no verdict (generic)
    std::string answer;         // raw bytes: what the server said, in the dialogue's terms
    std::string detail;         // "" when there is nothing to add
};

// The protocol logic of one dialogue with one target, without sockets: what to send, when the
// answer is whole, and what it means. The runner does the I/O and calls these in order.
class Dialogue
{
public:
    virtual ~Dialogue() = default;
    // Bytes to send first: on TCP after connecting (nothing when empty), on UDP the datagram.
    [[nodiscard]] virtual std::string request() = 0;
    // How long the answer is waited for when not until the deadline: a server that may say
    // nothing (a bare TCP connect) is given only this long, and the probe ends after it.
    [[nodiscard]] virtual std::optional<std::chrono::milliseconds> answer_wait() const
    {
        return std::nullopt;
    }
    // UDP: after the reply `received`, a further request to send, or "" when that reply is the
    // last. judge() gets the last reply; the dialogue keeps what it needs of the earlier ones.
    [[nodiscard]] virtual std::string next_request(std::string_view /*received*/) { return ""; }
    // True when `received` already holds the whole answer, so that reading can stop early.
    [[nodiscard]] virtual bool complete(std::string_view received) const = 0;
    [[nodiscard]] virtual Judgement judge(const Reception& reception) const = 0;
};

// The dialogue of a target: its kind spoken over its transport (see dialogue_over()); http and
// https ask for `http`.
[[nodiscard]] std::unique_ptr<Dialogue> make_dialogue(const Target& target, const HttpRequest& http = {});

// One per file in dialogue/.
[[nodiscard]] std::unique_ptr<Dialogue> make_generic_dialogue(Transport transport);
[[nodiscard]] std::unique_ptr<Dialogue> make_daytime_dialogue(Transport transport);
[[nodiscard]] std::unique_ptr<Dialogue> make_time_dialogue();
[[nodiscard]] std::unique_ptr<Dialogue> make_echo_dialogue();
enum class HttpOver
{
    plain, // http
    tls    // https: the runner has made the TLS handshake; the default port is 443
};
[[nodiscard]] std::unique_ptr<Dialogue> make_http_dialogue(std::string_view host, std::uint16_t port,
                                                           HttpOver over, const HttpRequest& asked = {});
// The value of the first header called `name` (in any case) in the header section after the
// status line of `answer`, without the blanks around it.
[[nodiscard]] std::optional<std::string_view> http_header_value(std::string_view answer,
                                                                std::string_view name);
[[nodiscard]] std::unique_ptr<Dialogue> make_banner_dialogue();
[[nodiscard]] std::unique_ptr<Dialogue> make_http2_dialogue();
[[nodiscard]] std::unique_ptr<Dialogue> make_dns_dialogue(Transport transport);
[[nodiscard]] std::unique_ptr<Dialogue> make_ntp_dialogue();
[[nodiscard]] std::unique_ptr<Dialogue> make_snmp_dialogue();
// With the ID a query or request carries chosen (otherwise random), for the tests.
[[nodiscard]] std::unique_ptr<Dialogue> make_dns_dialogue(Transport transport, std::uint16_t id);
[[nodiscard]] std::unique_ptr<Dialogue> make_snmp_dialogue(std::uint32_t request_id);

} // namespace portent::probe
