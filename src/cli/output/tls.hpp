#pragma once

#include "probe/tls.hpp"

#include <boost/json/value.hpp>

#include <optional>

namespace portent::cli {

// The `tls` object of a probe result (null when no handshake was made): version, cipher, alpn,
// sni, certificate (subject_cn, san, issuer, not_before, not_after), days_left, trust, trusted,
// distrust, expiry_warning_days, expires_too_soon.
[[nodiscard]] boost::json::value tls_json(const probe::TlsFacts* facts);

} // namespace portent::cli
