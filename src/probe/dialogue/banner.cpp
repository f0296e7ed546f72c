#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// ssh, smtp, ftp, pop3, imap, …: the server speaks first; its first line is the answer.
// Passed when that line is whole (ended by LF, or by the end of the stream), not empty, and
// text: UTF-8 without control characters other than TAB, as every one of these protocols
// requires of its greeting.
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
        const std::size_t bad = dialogue_text::first_not_text(line);
        Judgement judgement{false, std::string(line), ""};
        if (ended && !line.empty() && bad == std::string_view::npos)
            judgement.passed = true;
        else if (reception.bytes.empty() && reception.end == ReadEnd::end_of_stream)
            judgement.detail = "connection closed without a banner";
        else if (reception.bytes.empty() && reception.end == ReadEnd::deadline)
            judgement.detail = "no banner before the deadline";
        else if (!ended)
            judgement.detail = dialogue_text::unfinished(reception.end);
        else if (line.empty())
            judgement.detail = "empty first line";
        else
            judgement.detail = "not a line of text: " + dialogue_text::byte_at(line, bad);
        return judgement;
    }
};

} // namespace

std::unique_ptr<Dialogue> make_banner_dialogue()
{
    return std::make_unique<BannerDialogue>();
}

} // namespace portent::probe
