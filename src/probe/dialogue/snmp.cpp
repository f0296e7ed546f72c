#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

#include <array>
#include <optional>

namespace portent::probe {

namespace {

// BER tags (X.690) and SNMP's (RFC 3416 3, RFC 1157 4).
constexpr unsigned char integer_tag = 0x02, octet_string_tag = 0x04, null_tag = 0x05, oid_tag = 0x06;
constexpr unsigned char sequence_tag = 0x30, get_request_tag = 0xA0, response_tag = 0xA2;
constexpr std::int64_t version_2c = 1;
constexpr std::string_view community = "public";
// 1.3.6.1.2.1.1.1.0, sysDescr.0 (RFC 3418), as BER content octets.
constexpr std::string_view sys_descr_oid("\x2b\x06\x01\x02\x01\x01\x01\x00", 8);
constexpr std::array<std::string_view, 19> error_names = {"noError",
                                                          "tooBig",
                                                          "noSuchName",
                                                          "badValue",
                                                          "readOnly",
                                                          "genErr",
                                                          "noAccess",
                                                          "wrongType",
                                                          "wrongLength",
                                                          "wrongEncoding",
                                                          "wrongValue",
                                                          "noCreation",
                                                          "inconsistentValue",
                                                          "resourceUnavailable",
                                                          "commitFailed",
                                                          "undoFailed",
                                                          "authorizationError",
                                                          "notWritable",
                                                          "inconsistentName"};

std::string encoded(unsigned char tag, std::string_view content)
{
    std::string bytes(1, static_cast<char>(tag));
    if (content.size() < 0x80) {
        bytes += static_cast<char>(content.size());
    } else {
        bytes += static_cast<char>(0x82);
        dialogue_text::append_big_endian(bytes, content.size(), 2);
    }
    bytes += content;
    return bytes;
}

// A non-negative INTEGER in the fewest octets, with a leading zero octet when the top bit is set.
std::string encoded_integer(std::uint32_t value)
{
    std::string content;
    do {
        content.insert(content.begin(), static_cast<char>(value & 0xFFU));
        value >>= 8U;
    } while (value != 0);
    if (static_cast<unsigned char>(content.front()) & 0x80U)
        content.insert(content.begin(), '\0');
    return encoded(integer_tag, content);
}

// One TLV read off the front of `bytes`, or nullopt when the bytes do not hold one whole.
struct Element
{
    unsigned char tag = 0;
    std::string_view content;
};

std::optional<Element> take_element(std::string_view& bytes)
{
    if (bytes.size() < 2)
        return std::nullopt;
    Element element{static_cast<unsigned char>(bytes[0]), {}};
    std::size_t length = static_cast<unsigned char>(bytes[1]);
    std::size_t header = 2;
    if (length & 0x80U) {
        const std::size_t octets = length & 0x7FU;
        if (octets == 0 || octets > 4 || bytes.size() < 2 + octets)
            return std::nullopt;
        length = dialogue_text::big_endian(bytes.substr(2, octets));
        header += octets;
    }
    if (bytes.size() - header < length)
        return std::nullopt;
    element.content = bytes.substr(header, length);
    bytes.remove_prefix(header + length);
    return element;
}

std::optional<std::int64_t> take_integer(std::string_view& bytes)
{
    const std::optional<Element> element = take_element(bytes);
    if (!element || element->tag != integer_tag || element->content.empty() || element->content.size() > 8)
        return std::nullopt;
    // Two's complement, most significant octet first (X.690 8.3): the first octet's top bit is the sign.
    std::uint64_t bits =
        (static_cast<unsigned char>(element->content[0]) & 0x80U) != 0 ? ~std::uint64_t{0} : 0;
    for (const char octet : element->content)
        bits = (bits << 8U) | static_cast<unsigned char>(octet);
    return static_cast<std::int64_t>(bits);
}

std::string error_text(std::int64_t status)
{
    return status >= 0 && static_cast<std::size_t>(status) < error_names.size()
               ? std::string(error_names[static_cast<std::size_t>(status)])
               : "error-status " + std::to_string(status);
}

// The value of a varbind: the text of an OCTET STRING, or the name of an exception (RFC 3416 3).
std::string value_text(const Element& value)
{
    switch (value.tag) {
    case octet_string_tag: return std::string(value.content);
    case 0x80: return "noSuchObject";
    case 0x81: return "noSuchInstance";
    case 0x82: return "endOfMibView";
    default: return "a value of tag " + std::to_string(value.tag);
    }
}

// SNMPv2c (RFC 1901, RFC 3416): a GetRequest for sysDescr.0 with community "public". An agent
// that does not know the community stays silent (open|filtered). Passed when the reply is a
// Response to this request ID; the answer is sysDescr (or the error or exception), the detail
// the error-status when there is one.
class SnmpDialogue final : public Dialogue
{
public:
    explicit SnmpDialogue(std::uint32_t request_id) : request_id_(request_id & 0x7FFFFFFFU) {}

    std::string request() override
    {
        const std::string varbind =
            encoded(sequence_tag, encoded(oid_tag, sys_descr_oid) + encoded(null_tag, ""));
        const std::string pdu =
            encoded(get_request_tag, encoded_integer(request_id_) + encoded_integer(0) + encoded_integer(0) +
                                         encoded(sequence_tag, varbind));
        return encoded(sequence_tag,
                       encoded_integer(version_2c) + encoded(octet_string_tag, community) + pdu);
    }
    bool complete(std::string_view received) const override { return !received.empty(); }
    Judgement judge(const Reception& reception) const override
    {
        Judgement judgement{false, "", ""};
        std::string_view bytes = reception.bytes;
        const auto message = take_element(bytes);
        std::string_view fields = message ? message->content : std::string_view{};
        const auto version = take_integer(fields);
        const auto community_element = take_element(fields);
        const auto pdu = take_element(fields);
        if (!message || message->tag != sequence_tag || !version || !community_element || !pdu) {
            judgement.detail = "not an SNMP message";
            return judgement;
        }
        std::string_view pdu_fields = pdu->content;
        const auto id = take_integer(pdu_fields);
        const auto status = take_integer(pdu_fields);
        const auto index = take_integer(pdu_fields);
        if (pdu->tag != response_tag || *version != version_2c || !id || *id != request_id_ || !status ||
            !index) {
            judgement.detail = "not an SNMPv2c Response to this request";
            return judgement;
        }
        judgement.passed = true;
        if (*status != 0) {
            judgement.answer = error_text(*status);
            judgement.detail =
                "error-status " + std::to_string(*status) + ", error-index " + std::to_string(*index);
            return judgement;
        }
        const auto bindings = take_element(pdu_fields);
        std::string_view list = bindings ? bindings->content : std::string_view{};
        const auto binding = take_element(list);
        std::string_view pair = binding ? binding->content : std::string_view{};
        const auto name = take_element(pair);
        const auto value = take_element(pair);
        if (!name || !value || name->tag != oid_tag) {
            judgement.passed = false;
            judgement.detail = "a Response without a variable binding";
            return judgement;
        }
        judgement.answer = value_text(*value);
        judgement.detail = name->content == sys_descr_oid ? "sysDescr.0" : "another object than sysDescr.0";
        return judgement;
    }

private:
    std::uint32_t request_id_;
};

} // namespace

std::unique_ptr<Dialogue> make_snmp_dialogue(std::uint32_t request_id)
{
    return std::make_unique<SnmpDialogue>(request_id);
}

std::unique_ptr<Dialogue> make_snmp_dialogue()
{
    return make_snmp_dialogue(dialogue_text::random_number());
}

} // namespace portent::probe
