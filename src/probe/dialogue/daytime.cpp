#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// RFC 867: over TCP the server sends its time as text and closes; over UDP it answers any
// datagram with one. The answer is that text.
class DaytimeDialogue final : public Dialogue
{
public:
    explicit DaytimeDialogue(Transport transport) : transport_(transport) {}

    std::string request() override { return ""; }
    bool complete(std::string_view) const override { return transport_ == Transport::udp; }
    Judgement judge(const Reception& reception) const override
    {
        Judgement judgement{false, std::string(dialogue_text::without_line_end(reception.bytes)), ""};
        const bool whole = reception.end == ReadEnd::end_of_stream || reception.end == ReadEnd::datagram ||
                           reception.end == ReadEnd::complete;
        if (!whole)
            judgement.detail = dialogue_text::unfinished(reception.end);
        else if (judgement.answer.empty())
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
