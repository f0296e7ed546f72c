#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// HTTP/2 frame types (RFC 9113 6).
constexpr unsigned char settings_frame = 0x4;
constexpr unsigned char goaway_frame = 0x7;
constexpr std::size_t frame_header_size = 9;

// When a TLS server chose h2 by ALPN: the client connection preface (RFC 9113 3.4) and an empty
// SETTINGS frame. Passed when the server's first frame is SETTINGS on stream 0, as its preface
// must be; the answer names it.
class Http2Dialogue final : public Dialogue
{
public:
    std::string request() override
    {
        std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        preface += std::string("\0\0\0\x04\0\0\0\0\0", frame_header_size); // SETTINGS, no parameters
        return preface;
    }
    bool complete(std::string_view received) const override { return received.size() >= frame_header_size; }
    Judgement judge(const Reception& reception) const override
    {
        const std::string_view bytes = reception.bytes;
        if (bytes.size() < frame_header_size)
            return {false, std::string(bytes), "no HTTP/2 frame: " + std::to_string(bytes.size()) + " bytes"};
        const auto byte = [&bytes](std::size_t offset) { return static_cast<unsigned char>(bytes[offset]); };
        const std::uint64_t stream =
            dialogue_text::big_endian(bytes.substr(5, 4)) & 0x7FFF'FFFFU; // R bit off
        if (byte(3) == settings_frame && stream == 0)
            return {true, "HTTP/2 SETTINGS", "h2"};
        const std::string what = byte(3) == goaway_frame ? "GOAWAY" : "frame type " + std::to_string(byte(3));
        return {false, "HTTP/2 " + what, "the server's preface is not a SETTINGS frame"};
    }
};

} // namespace

std::unique_ptr<Dialogue> make_http2_dialogue()
{
    return std::make_unique<Http2Dialogue>();
}

} // namespace portent::probe
