#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// TCP: a connect, and whatever the server says unasked (ssh, smtp, chargen, …) within a short
// wait, so that a scan of many ports stays quick. UDP: an empty datagram, and whatever comes
// back before the deadline. No verdict: any answer, or none, is the answer.
class GenericDialogue final : public Dialogue
{
public:
    explicit GenericDialogue(Transport transport) : transport_(transport) {}

    std::string request() override { return ""; }
    std::optional<std::chrono::milliseconds> answer_wait() const override
    {
        if (transport_ == Transport::tcp)
            return unasked_answer_wait;
        return std::nullopt;
    }
    bool complete(std::string_view received) const override { return !received.empty(); }
    Judgement judge(const Reception& reception) const override
    {
        return {std::nullopt, std::string(reception.bytes), ""};
    }

private:
    Transport transport_;
};

} // namespace

std::unique_ptr<Dialogue> make_generic_dialogue(Transport transport)
{
    return std::make_unique<GenericDialogue>(transport);
}

} // namespace portent::probe
