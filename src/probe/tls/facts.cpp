#include "probe/result.hpp"
#include "probe/tls.hpp"

namespace portent::probe {

std::string_view to_string(Distrust distrust)
{
    switch (distrust) {
    case Distrust::self_signed: return "self-signed";
    case Distrust::unknown_issuer: return "unknown issuer";
    case Distrust::expired: return "expired";
    case Distrust::not_yet_valid: return "not yet valid";
    case Distrust::name_mismatch: return "name mismatch";
    case Distrust::other: break;
    }
    return "verification failed";
}

std::string trust_text(const TlsFacts& facts)
{
    if (facts.trusted())
        return "trusted";
    std::string text = "untrusted: ";
    for (std::size_t index = 0; index < facts.distrust.size(); ++index) {
        if (index > 0)
            text += ", ";
        const Distrust reason = facts.distrust[index];
        text += reason == Distrust::other && !facts.other_reason.empty() ? facts.other_reason
                                                                         : std::string(to_string(reason));
    }
    return text;
}

std::string tls_summary(const TlsFacts& facts)
{
    std::string text = facts.version;
    if (!facts.cipher.empty())
        text += ' ' + facts.cipher;
    if (!facts.alpn.empty())
        text += " ALPN " + facts.alpn;
    if (facts.certificate && !facts.certificate->subject_common_name.empty())
        text += ", CN=" + facts.certificate->subject_common_name;
    if (facts.days_left) {
        const long long days = *facts.days_left;
        text += days >= 0 ? ", " + std::to_string(days) + (days == 1 ? " day" : " days") + " left"
                          : ", expired " + std::to_string(-days) + (days == -1 ? " day" : " days") + " ago";
    }
    text += ", " + trust_text(facts);
    if (facts.expires_too_soon())
        text += ", expires within " + std::to_string(*facts.expiry_warning_days) + " days";
    return text;
}

void add_tls_facts(ProbeResult& result, TlsFacts&& facts)
{
    std::string summary = tls_summary(facts);
    if (!facts.trusted() || facts.expires_too_soon())
        result.passed = false;
    result.detail = result.detail.empty() ? std::move(summary) : summary + "; " + result.detail;
    result.tls = std::make_shared<const TlsFacts>(std::move(facts));
}

} // namespace portent::probe
