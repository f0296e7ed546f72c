#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

std::string random_token()
{
    constexpr char digits[] = "0123456789abcdef";
    std::string token = "portent-echo-";
    std::uint64_t bits =
        (std::uint64_t{dialogue_text::random_number()} << 32U) | dialogue_text::random_number();
    for (int i = 0; i < 16; ++i, bits >>= 4U)
        token += digits[bits & 0xFU];
    return token + "\r\n";
}

// RFC 862: whatever is sent comes back. Passed only when a fresh random token returns
// byte for byte, and nothing else with it.
class EchoDialogue final : public Dialogue
{
public:
    std::string request() override
    {
        token_ = random_token();
        return token_;
    }
    bool complete(std::string_view received) const override { return received.size() >= token_.size(); }
    Judgement judge(const Reception& reception) const override
    {
        const std::string_view bytes = reception.bytes;
        Judgement judgement{bytes == token_, std::string(bytes), ""};
        if (bytes == token_)
            return judgement;
        if (bytes.starts_with(token_))
            judgement.detail = "more came back than was sent";
        else if (!token_.starts_with(bytes))
            judgement.detail = "the answer differs from the token sent";
        else if (bytes.empty() && reception.end == ReadEnd::datagram)
            judgement.detail = "an empty datagram came back";
        else if (reception.end == ReadEnd::datagram)
            judgement.detail = "only part of the token came back";
        else
            judgement.detail = dialogue_text::unfinished(reception.end);
        return judgement;
    }

private:
    std::string token_;
};

} // namespace

std::unique_ptr<Dialogue> make_echo_dialogue()
{
    return std::make_unique<EchoDialogue>();
}

} // namespace portent::probe
