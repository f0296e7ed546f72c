#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// ssh, smtp, ftp, pop3, imap, …: the server speaks first; its first line is the answer.
class BannerDialogue final : public Dialogue
{
public:
    std::string request() override { return ""; }
    bool complete(std::string_view received) const override
    {
        return received.find('\n') != std::string_view::npos;
    }
    Judgement judge(const Reception& reception) const override
    {
        const std::string_view line = dialogue_text::first_line(reception.bytes);
        const bool ended = line.size() < reception.bytes.size() || reception.end == ReadEnd::end_of_stream;
        Judgement judgement{false, std::string(line), ""};
        if (ended && !line.empty())
            judgement.passed = true;
        else if (reception.bytes.empty() && reception.end == ReadEnd::end_of_stream)
            judgement.detail = "connection closed without a banner";
        else if (reception.bytes.empty() && reception.end == ReadEnd::deadline)
            judgement.detail = "no banner before the deadline";
        else
            judgement.detail = ended ? "empty first line" : dialogue_text::unfinished(reception.end);
        return judgement;
    }
};

} // namespace

std::unique_ptr<Dialogue> make_banner_dialogue()
{
    return std::make_unique<BannerDialogue>();
}

} // namespace portent::probe
