// libFuzzer: each probe dialogue's reading of an answer (dialogue/), bytes in and verdict out,
// as the runner drives it: the request, a follow-up over UDP, complete() on what arrived, then
// judge(); and the plain-text start of STARTTLS driven step by step with the replies. The first
// bytes choose the dialogue, how reading ended, the ID a DNS or SNMP request carries and the
// clock; the rest, at most answer_byte_cap bytes, is what the server said.
#include "fuzz_check.hpp"
#include "probe/dialogue/dialogue.hpp"
#include "probe/dialogue/starttls.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

using namespace portent::probe;

namespace {

const std::array<std::function<std::unique_ptr<Dialogue>(std::uint32_t id)>, 14> dialogues = {
    [](std::uint32_t) { return make_generic_dialogue(Transport::tcp); },
    [](std::uint32_t) { return make_generic_dialogue(Transport::udp); },
    [](std::uint32_t) { return make_daytime_dialogue(Transport::tcp); },
    [](std::uint32_t) { return make_daytime_dialogue(Transport::udp); },
    [](std::uint32_t) { return make_time_dialogue(); },
    [](std::uint32_t) { return make_echo_dialogue(); },
    [](std::uint32_t) { return make_http_dialogue("localhost", 8080, HttpOver::plain); },
    [](std::uint32_t) { return make_http_dialogue("127.0.0.1", 443, HttpOver::tls); },
    [](std::uint32_t) { return make_banner_dialogue(); },
    [](std::uint32_t) { return make_http2_dialogue(); },
    [](std::uint32_t id) { return make_dns_dialogue(Transport::tcp, static_cast<std::uint16_t>(id)); },
    [](std::uint32_t id) { return make_dns_dialogue(Transport::udp, static_cast<std::uint16_t>(id)); },
    [](std::uint32_t) { return make_ntp_dialogue(); },
    [](std::uint32_t id) { return make_snmp_dialogue(id); },
};

constexpr std::array starttls_dialogues = {DialogueKind::smtp, DialogueKind::imap, DialogueKind::pop3,
                                           DialogueKind::ftp};

constexpr std::array read_ends = {ReadEnd::complete, ReadEnd::end_of_stream, ReadEnd::byte_cap,
                                  ReadEnd::deadline, ReadEnd::reset,         ReadEnd::datagram};

void speak(Dialogue& dialogue, FuzzedDataProvider& input, ReadEnd end,
           std::chrono::system_clock::time_point now, bool tls)
{
    (void)dialogue.request();
    (void)dialogue.answer_wait();
    // Over UDP a dialogue may ask again after the first reply.
    if (input.ConsumeBool()) {
        const std::string first = input.ConsumeRandomLengthString(answer_byte_cap);
        (void)dialogue.complete(first);
        (void)dialogue.next_request(first);
    }
    const std::string answer = input.ConsumeBytesAsString(answer_byte_cap);
    // The runner asks complete() as bytes arrive: on a part, then on the whole.
    (void)dialogue.complete(std::string_view(answer).substr(0, answer.size() / 2));
    (void)dialogue.complete(answer);
    (void)dialogue.judge(Reception(answer, end, now, tls ? "TLSv1.3" : ""));
}

void start_tls(DialogueKind kind, FuzzedDataProvider& input, ReadEnd end)
{
    std::optional<StartTls> start = StartTls::of(kind);
    portent::fuzz::require(start.has_value(), "a STARTTLS dialogue without its steps");
    for (int step = 0; step < 8 && !start->finished(); ++step) {
        (void)start->command();
        const std::string reply = input.ConsumeRandomLengthString(answer_byte_cap);
        (void)start->complete(reply);
        start->take(reply, input.ConsumeBool() ? ReadEnd::complete : end);
    }
    (void)start->upgrade();
    (void)start->judgement();
    const std::string rest = input.ConsumeRemainingBytesAsString();
    for (const auto reply : {StartTls::Reply::numbered, StartTls::Reply::pop3, StartTls::Reply::imap_greeting,
                             StartTls::Reply::imap_tagged}) {
        (void)StartTls::reply_complete(reply, rest);
        (void)StartTls::reply_positive(reply, rest, "220");
        (void)StartTls::reply_positive(reply, rest, "a1 OK");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    const std::size_t choice =
        input.ConsumeIntegralInRange<std::size_t>(0, dialogues.size() + starttls_dialogues.size() - 1);
    const ReadEnd end = read_ends.at(input.ConsumeIntegralInRange<std::size_t>(0, read_ends.size() - 1));
    const auto id = input.ConsumeIntegral<std::uint32_t>();
    // Any second from 1900 to 2106: the time protocol counts from 1900 in 32 bits.
    const auto seconds = input.ConsumeIntegralInRange<std::int64_t>(-2208988800, 4294967295 - 2208988800);
    const std::chrono::system_clock::time_point now{std::chrono::seconds(seconds)};
    const bool tls = input.ConsumeBool();
    if (choice < dialogues.size()) {
        const std::unique_ptr<Dialogue> dialogue = dialogues.at(choice)(id);
        speak(*dialogue, input, end, now, tls);
    } else {
        start_tls(starttls_dialogues.at(choice - dialogues.size()), input, end);
    }
    return 0;
}
