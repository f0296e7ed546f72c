#include "cli/output/tls.hpp"

#include "cli/output.hpp"
#include "cli/text.hpp"
#include "util/utc_time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace portent::cli {

namespace {

using namespace std::chrono;

boost::json::value certificate_json(const std::optional<probe::Certificate>& certificate)
{
    if (!certificate)
        return nullptr;
    boost::json::array names;
    for (const std::string& name : certificate->alternative_names)
        names.emplace_back(valid_utf8(name));
    return boost::json::object{
        {"subject_cn", text_or_null(certificate->subject_common_name)},
        {"san", std::move(names)},
        {"issuer", valid_utf8(certificate->issuer)},
        {"not_before", util::utc_time_text(certificate->not_before, 'T', "Z")},
        {"not_after", util::utc_time_text(certificate->not_after, 'T', "Z")},
    };
}

} // namespace

boost::json::value tls_json(const probe::TlsFacts* facts)
{
    if (!facts)
        return nullptr;
    boost::json::array distrust;
    for (const probe::Distrust reason : facts->distrust)
        distrust.emplace_back(probe::to_string(reason));
    const auto number_or_null = [](const std::optional<long long>& number) {
        return number ? boost::json::value(*number) : boost::json::value(nullptr);
    };
    return boost::json::object{
        {"version", facts->version},
        {"cipher", text_or_null(facts->cipher)},
        {"alpn", text_or_null(facts->alpn)},
        {"sni", text_or_null(facts->server_name)},
        {"certificate", certificate_json(facts->certificate)},
        {"days_left", number_or_null(facts->days_left)},
        {"trust", valid_utf8(probe::trust_text(*facts))},
        {"trusted", facts->trusted()},
        {"distrust", std::move(distrust)},
        {"expiry_warning_days", number_or_null(facts->expiry_warning_days)},
        {"expires_too_soon", facts->expires_too_soon()},
    };
}

} // namespace portent::cli
