#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What a TLS handshake showed: the facts a probe reports for https and STARTTLS. No OpenSSL here:
// the CLI includes it through result.hpp.
namespace portent::probe {

// The server's own (leaf) certificate.
struct Certificate
{
    std::string subject_common_name;            // the subject's CN, or "" when it has none
    std::vector<std::string> alternative_names; // the SAN extension: DNS names and IP addresses
    std::string issuer;                         // the issuer's distinguished name, RFC 2253
    std::chrono::sys_seconds not_before{};
    std::chrono::sys_seconds not_after{};
};

// Why a chain is not trusted, in the order they are reported.
enum class Distrust
{
    self_signed,    // the leaf signed itself
    unknown_issuer, // the chain leads to no certificate of the trust store
    expired,
    not_yet_valid,
    name_mismatch, // the certificate is not for the host name (or address) asked
    other          // any other failure of verification (a bad signature, …)
};

struct TlsFacts
{
    std::string version;     // "TLSv1.3", …
    std::string cipher;      // "TLS_AES_256_GCM_SHA384", …
    std::string alpn;        // the protocol the server chose ("h2", "http/1.1"), or ""
    std::string server_name; // the SNI sent, or "" (none is sent for an address literal)
    std::optional<Certificate> certificate;
    std::optional<long long> days_left; // whole days until not_after, negative once past
    std::vector<Distrust> distrust;     // empty: the chain verifies for the name asked
    std::string other_reason;           // what OpenSSL said, for Distrust::other
    // Set by --warn-expiry: the certificate expires within this many days.
    std::optional<long long> expiry_warning_days;

    [[nodiscard]] bool trusted() const { return distrust.empty(); }
    [[nodiscard]] bool expires_too_soon() const
    {
        return expiry_warning_days && days_left && *days_left < *expiry_warning_days;
    }
};

// "self-signed", "unknown issuer", "expired", "not yet valid", "name mismatch", "verification failed".
[[nodiscard]] std::string_view to_string(Distrust distrust);

// "trusted", or "untrusted: " and the reasons, comma-separated ("untrusted: self-signed, expired").
[[nodiscard]] std::string trust_text(const TlsFacts& facts);

// One line for a table: "TLSv1.3 TLS_AES_256_GCM_SHA384 ALPN h2, CN=localhost, 89 days left,
// untrusted: self-signed".
[[nodiscard]] std::string tls_summary(const TlsFacts& facts);

struct ProbeResult;

// Puts the facts of a handshake into `result`: a chain that is not trusted, or a certificate
// that expires sooner than --warn-expiry asks, fails the verdict; the detail starts with
// tls_summary().
void add_tls_facts(ProbeResult& result, TlsFacts&& facts);

} // namespace portent::probe
