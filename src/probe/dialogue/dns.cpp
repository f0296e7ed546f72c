#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

#include <array>
#include <optional>

namespace portent::probe {

namespace {

constexpr std::size_t header_size = 12;
constexpr std::uint16_t type_txt = 16;
constexpr std::uint16_t class_chaos = 3;
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
        const auto value = static_cast<std::uint16_t>((byte(offset_) << 8U) | byte(offset_ + 1));
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

// RFC 1035: a standard query for version.bind, class CH, type TXT, which name servers answer
// with their product and version (or refuse). Over TCP it has the two-byte length in front
// (4.2.2). Passed when the reply is a DNS response (QR set) to this query's ID, whatever its
// rcode: a server that refuses is still a name server. The answer is the TXT text, or the
// rcode's name (NOERROR when there is no TXT record); the detail the number of answers.
class DnsDialogue final : public Dialogue
{
public:
    DnsDialogue(Transport transport, std::uint16_t id) : over_tcp_(transport == Transport::tcp), id_(id) {}

    std::string request() override
    {
        std::string query;
        query += static_cast<char>(id_ >> 8U);
        query += static_cast<char>(id_ & 0xFFU);
        query += std::string("\0\0\0\x01\0\0\0\0\0\0", 10); // a standard query, QDCOUNT 1, no RD
        query += std::string("\x07version\x04"
                             "bind\0",
                             14);
        query += std::string("\0\x10\0\x03", 4); // TXT, CH
        if (!over_tcp_)
            return query;
        return std::string{static_cast<char>(query.size() >> 8U), static_cast<char>(query.size() & 0xFFU)} +
               query;
    }
    bool complete(std::string_view received) const override
    {
        if (!over_tcp_)
            return !received.empty();
        return received.size() >= 2 && received.size() >= 2 + length_prefix(received);
    }
    Judgement judge(const Reception& reception) const override
    {
        std::string_view message = reception.bytes;
        if (over_tcp_) {
            if (!complete(message))
                return {false, std::string(message),
                        message.empty() ? dialogue_text::unfinished(reception.end)
                                        : "an incomplete DNS message"};
            message = message.substr(2, length_prefix(message));
        }
        return judge_message(message);
    }

private:
    static std::size_t length_prefix(std::string_view received)
    {
        return (static_cast<std::size_t>(static_cast<unsigned char>(received[0])) << 8U) |
               static_cast<unsigned char>(received[1]);
    }

    Judgement judge_message(std::string_view message) const
    {
        Reader reader(message);
        const std::uint16_t id = reader.u16();
        const std::uint16_t flags = reader.u16();
        const std::uint16_t questions = reader.u16();
        const std::uint16_t answers = reader.u16();
        reader.skip(4); // NSCOUNT, ARCOUNT
        if (reader.failed)
            return {false, std::string(message),
                    "not a DNS message: " + std::to_string(message.size()) +
                        " bytes, fewer than a header's 12"};
        if ((flags & 0x8000U) == 0 || id != id_)
            return {false, std::string(message), "not a DNS response to the query (ID or QR bit)"};
        const unsigned rcode = flags & 0xFU;
        std::string detail = std::to_string(answers) + (answers == 1 ? " answer" : " answers") +
                             ((flags & 0x0200U) ? ", truncated" : "");
        for (unsigned index = 0; index < questions && !reader.failed; ++index) {
            reader.skip_name();
            reader.skip(4);
        }
        std::string version;
        for (unsigned index = 0; index < answers && !reader.failed && version.empty(); ++index) {
            reader.skip_name();
            const std::uint16_t type = reader.u16();
            const std::uint16_t record_class = reader.u16();
            reader.skip(4); // TTL
            const std::string_view data = reader.take(reader.u16());
            if (!reader.failed && type == type_txt && record_class == class_chaos)
                version = txt_text(data);
        }
        if (reader.failed)
            detail += ", records cut short";
        return {true, version.empty() ? rcode_text(rcode) : "version.bind: " + version, detail};
    }

    bool over_tcp_;
    std::uint16_t id_;
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
