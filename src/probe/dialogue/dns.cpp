#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

#include <array>
#include <optional>
#include <vector>

namespace portent::probe {

namespace {

constexpr std::uint16_t type_txt = 16;
constexpr std::uint16_t class_chaos = 3;
constexpr std::uint16_t type_ns = 2;
constexpr std::uint16_t class_internet = 1;
constexpr std::array<std::string_view, 11> rcode_names = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                          "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                          "NXRRSET", "NOTAUTH", "NOTZONE"};

std::string rcode_text(unsigned rcode)
{
    return rcode < rcode_names.size() ? std::string(rcode_names[rcode]) : "rcode " + std::to_string(rcode);
}

// Reads a DNS message (RFC 1035 4.1) front to back; every read is bounds-checked, and a read
// past the end leaves `failed` set.
class Reader
{
public:
    explicit Reader(std::string_view message) : message_(message) {}

    std::uint16_t u16()
    {
        if (offset_ + 2 > message_.size()) {
            failed = true;
            return 0;
        }
        const auto value = static_cast<std::uint16_t>(dialogue_text::big_endian(message_.substr(offset_, 2)));
        offset_ += 2;
        return value;
    }
    void skip(std::size_t count)
    {
        if (offset_ + count > message_.size())
            failed = true;
        offset_ = std::min(offset_ + count, message_.size());
    }
    // Skips a name: labels, ended by a zero byte or a compression pointer (4.1.4).
    void skip_name()
    {
        for (unsigned labels = 0; labels < 128 && offset_ < message_.size(); ++labels) {
            const unsigned length = byte(offset_);
            if (length == 0) {
                ++offset_;
                return;
            }
            if ((length & 0xC0U) == 0xC0U) {
                skip(2);
                return;
            }
            skip(1 + length);
        }
        failed = true;
    }
    std::string_view take(std::size_t count)
    {
        if (offset_ + count > message_.size()) {
            failed = true;
            count = message_.size() - offset_;
        }
        const std::string_view part = message_.substr(offset_, count);
        offset_ += count;
        return part;
    }

    bool failed = false;

private:
    unsigned byte(std::size_t at) const { return static_cast<unsigned char>(message_[at]); }

    std::string_view message_;
    std::size_t offset_ = 0;
};

// TXT RDATA (3.3.14): one or more <character-string>s, joined by spaces.
std::string txt_text(std::string_view data)
{
    std::string text;
    while (!data.empty()) {
        const std::size_t length =
            std::min<std::size_t>(static_cast<unsigned char>(data[0]), data.size() - 1);
        if (!text.empty())
            text += ' ';
        text += data.substr(1, length);
        data.remove_prefix(1 + length);
    }
    return text;
}

// A standard query (RFC 1035 4.1): no recursion asked, one question.
std::string query(std::uint16_t id, std::string_view name, std::uint16_t type, std::uint16_t query_class)
{
    std::string bytes;
    dialogue_text::append_big_endian(bytes, id, 2);
    bytes += std::string("\0\0\0\x01\0\0\0\0\0\0", 10);
    bytes += name;
    dialogue_text::append_big_endian(bytes, type, 2);
    dialogue_text::append_big_endian(bytes, query_class, 2);
    return bytes;
}

// Over TCP a message has its two-byte length in front (4.2.2).
std::string framed(const std::string& message)
{
    std::string bytes;
    dialogue_text::append_big_endian(bytes, message.size(), 2);
    return bytes + message;
}

// The whole length-prefixed messages at the front of `received`.
std::vector<std::string_view> frames_of(std::string_view received)
{
    std::vector<std::string_view> frames;
    while (received.size() >= 2) {
        const std::size_t length = dialogue_text::big_endian(received.substr(0, 2));
        if (received.size() < 2 + length)
            break;
        frames.push_back(received.substr(2, length));
        received.remove_prefix(2 + length);
    }
    return frames;
}

// What a reply says, read as the response to the query `id`.
struct Reply
{
    std::string failure; // why it is not that response, or ""
    unsigned rcode = 0;
    std::uint16_t answers = 0;
    bool truncated = false;
    bool cut_short = false;    // its records end before their counts say
    std::string text;          // the first CH TXT record's text
    unsigned name_servers = 0; // IN NS records among the answers
};

Reply read_reply(std::string_view message, std::uint16_t expected_id)
{
    Reply reply;
    Reader reader(message);
    const std::uint16_t id = reader.u16();
    const std::uint16_t flags = reader.u16();
    const std::uint16_t questions = reader.u16();
    reply.answers = reader.u16();
    reader.skip(4); // NSCOUNT, ARCOUNT
    if (reader.failed) {
        reply.failure =
            "not a DNS message: " + std::to_string(message.size()) + " bytes, fewer than a header's 12";
        return reply;
    }
    if ((flags & 0x8000U) == 0 || id != expected_id) {
        reply.failure = "not a DNS response to the query (ID or QR bit)";
        return reply;
    }
    reply.rcode = flags & 0xFU;
    reply.truncated = (flags & 0x0200U) != 0;
    for (unsigned index = 0; index < questions && !reader.failed; ++index) {
        reader.skip_name();
        reader.skip(4);
    }
    for (unsigned index = 0; index < reply.answers && !reader.failed; ++index) {
        reader.skip_name();
        const std::uint16_t type = reader.u16();
        const std::uint16_t record_class = reader.u16();
        reader.skip(4); // TTL
        const std::string_view data = reader.take(reader.u16());
        if (reader.failed)
            break;
        if (type == type_txt && record_class == class_chaos && reply.text.empty())
            reply.text = txt_text(data);
        if (type == type_ns && record_class == class_internet)
            ++reply.name_servers;
    }
    reply.cut_short = reader.failed;
    return reply;
}

// RFC 1035: two standard queries, one after the other: version.bind class CH type TXT, which name
// servers answer with their product and version (or refuse), then . NS, which a resolver or a
// root server answers. Over TCP both go at once, each with its length. Passed when the reply to
// the first is a DNS response (QR set) to its random ID, whatever its rcode: a server that
// refuses is still a name server. The answer is the TXT text or the rcode's name, then the
// count of root name servers or that reply's rcode; the detail the first reply's answer count,
// and what became of the second query when it got no response.
class DnsDialogue final : public Dialogue
{
public:
    DnsDialogue(Transport transport, std::uint16_t id) : over_tcp_(transport == Transport::tcp), id_(id) {}

    std::string request() override
    {
        if (!over_tcp_)
            return version_query();
        return framed(version_query()) + framed(root_query());
    }
    std::string next_request(std::string_view received) override
    {
        if (over_tcp_ || first_ || !read_reply(received, id_).failure.empty())
            return "";
        first_ = std::string(received);
        return root_query();
    }
    bool complete(std::string_view received) const override
    {
        return over_tcp_ ? frames_of(received).size() >= 2 : !received.empty();
    }
    Judgement judge(const Reception& reception) const override
    {
        if (!over_tcp_) {
            if (first_ && *first_ != reception.bytes)
                return judge_pair(*first_, reception.bytes);
            return judge_pair(reception.bytes, std::nullopt);
        }
        const std::vector<std::string_view> frames = frames_of(reception.bytes);
        if (frames.empty())
            return {false, std::string(reception.bytes),
                    reception.bytes.empty() ? dialogue_text::unfinished(reception.end)
                                            : "an incomplete DNS message"};
        return judge_pair(frames[0], frames.size() > 1 ? std::optional(frames[1]) : std::nullopt);
    }

private:
    std::string version_query() const
    {
        return query(id_,
                     std::string_view("\x07version\x04"
                                      "bind\0",
                                      14),
                     type_txt, class_chaos);
    }
    std::string root_query() const
    {
        return query(static_cast<std::uint16_t>(id_ + 1U), std::string_view("\0", 1), type_ns,
                     class_internet);
    }

    Judgement judge_pair(std::string_view first_bytes, std::optional<std::string_view> second_bytes) const
    {
        const Reply first = read_reply(first_bytes, id_);
        if (!first.failure.empty())
            return {false, std::string(first_bytes), first.failure};
        std::string answer = first.text.empty() ? rcode_text(first.rcode) : "version.bind: " + first.text;
        std::string detail = std::to_string(first.answers) + (first.answers == 1 ? " answer" : " answers") +
                             (first.truncated ? ", truncated" : "") +
                             (first.cut_short ? ", records cut short" : "");
        if (!second_bytes) {
            detail += "; . NS: no response";
        } else if (const Reply second = read_reply(*second_bytes, static_cast<std::uint16_t>(id_ + 1U));
                   !second.failure.empty()) {
            detail += "; . NS: " + second.failure;
        } else {
            answer +=
                "; . NS: " + (second.name_servers > 0 ? std::to_string(second.name_servers) + " name servers"
                                                      : rcode_text(second.rcode));
        }
        return {true, std::move(answer), std::move(detail)};
    }

    bool over_tcp_;
    std::uint16_t id_;
    std::optional<std::string> first_; // the reply to version.bind, once . NS has been asked (UDP)
};

} // namespace

std::unique_ptr<Dialogue> make_dns_dialogue(Transport transport, std::uint16_t id)
{
    return std::make_unique<DnsDialogue>(transport, id);
}

std::unique_ptr<Dialogue> make_dns_dialogue(Transport transport)
{
    return make_dns_dialogue(transport, static_cast<std::uint16_t>(dialogue_text::random_number()));
}

} // namespace portent::probe
