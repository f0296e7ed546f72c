#include "probe/dialogue/common.hpp"
#include "probe/dialogue/dialogue.hpp"

namespace portent::probe {

namespace {

// The http dialogue inside TLS (the runner does the handshake); the detail names the TLS version.
class HttpsDialogue final : public Dialogue
{
public:
    HttpsDialogue(std::string_view host, std::uint16_t port)
        : request_(http_exchange::request(host, port, 443))
    {
    }

    std::string request() override { return request_; }
    bool complete(std::string_view received) const override
    {
        return http_exchange::headers_complete(received);
    }
    Judgement judge(const Reception& reception) const override
    {
        Judgement judgement = http_exchange::judge(reception);
        if (!reception.tls_version.empty())
            judgement.detail = std::string(reception.tls_version) + (judgement.detail.empty() ? "" : ", ") +
                               judgement.detail;
        return judgement;
    }

private:
    std::string request_;
};

} // namespace

std::unique_ptr<Dialogue> make_https_dialogue(std::string_view host, std::uint16_t port)
{
    return std::make_unique<HttpsDialogue>(host, port);
}

} // namespace portent::probe
