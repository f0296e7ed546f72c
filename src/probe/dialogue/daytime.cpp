#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// RFC 867: over TCP the server sends its time as text and closes; over UDP it answers any
// datagram with one. Passed when the whole answer came and is "ASCII printing characters,
// space, carriage return, and line feed" with at least one printing character; the answer is
// that text without its line end.
class DaytimeDialogue final : public Dialogue
{
public:
    explicit DaytimeDialogue(Transport transport) : transport_(transport) {}

    std::string request() override { return ""; }
    bool complete(std::string_view) const override { return transport_ == Transport::udp; }
    Judgement judge(const Reception& reception) const override
    {
        const std::string_view bytes = reception.bytes;
        Judgement judgement{false, std::string(dialogue_text::without_line_end(bytes)), ""};
        const bool whole = reception.end == ReadEnd::end_of_stream || reception.end == ReadEnd::datagram ||
                           reception.end == ReadEnd::complete;
        const std::size_t bad = dialogue_text::first_not_printable_ascii(bytes);
        if (!whole)
            judgement.detail = dialogue_text::unfinished(reception.end);
        else if (bad != std::string_view::npos)
            judgement.detail = "not printable ASCII text (RFC 867): " + dialogue_text::byte_at(bytes, bad);
        else if (judgement.answer.find_first_not_of(" \r\n") == std::string::npos)
            judgement.detail = "empty answer";
        else
            judgement.passed = true;
        return judgement;
    }

private:
    Transport transport_;
};

} // namespace

std::unique_ptr<Dialogue> make_daytime_dialogue(Transport transport)
{
    return std::make_unique<DaytimeDialogue>(transport);
}

} // namespace portent::probe
