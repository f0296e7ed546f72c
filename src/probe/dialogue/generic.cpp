#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// TCP: connecting is the whole dialogue. UDP: an empty datagram, and whatever comes back.
class GenericDialogue final : public Dialogue
{
public:
    explicit GenericDialogue(Transport transport) : transport_(transport) {}

    std::string request() override { return ""; }
    bool reads_answer() const override { return transport_ == Transport::udp; }
    bool complete(std::string_view) const override { return true; }
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
