#include "probe/result.hpp"
#include "probe/tls.hpp"
#include "probe/tls/inspect.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

using namespace portent::probe;
using namespace std::chrono;

namespace {

using Key = tls::Owned<EVP_PKEY, EVP_PKEY_free>;
using Cert = tls::Owned<X509, X509_free>;
using Store = tls::Owned<X509_STORE, X509_STORE_free>;

// 2030-01-01 00:00:00 UTC: the instant the tests verify at.
constexpr sys_seconds test_now{seconds{1'893'456'000}};

Key new_key()
{
    return Key(EVP_EC_gen("P-256"));
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value)
{
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    REQUIRE(extension);
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
}

struct Made
{
    Key key;
    Cert certificate;
};

// A certificate for `name` (subject O=portent tests, CN=name), valid from `from` to `to`, with
// `alternative_names` ("DNS:localhost,IP:127.0.0.1") when not empty, signed by `issuer` or by
// itself; a CA when `authority`.
Made make_certificate(const std::string& name, sys_seconds from, sys_seconds to,
                      const char* alternative_names, const Made* issuer = nullptr, bool authority = false)
{
    Made made{new_key(), Cert(X509_new())};
    X509* certificate = made.certificate.get();
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate),
                     static_cast<long>(name.size()) + (authority ? 100 : 1));
    X509_NAME* subject = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("portent tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(certificate, issuer ? X509_get_subject_name(issuer->certificate.get()) : subject);
    ASN1_TIME_set(X509_getm_notBefore(certificate), system_clock::to_time_t(from));
    ASN1_TIME_set(X509_getm_notAfter(certificate), system_clock::to_time_t(to));
    X509_set_pubkey(certificate, made.key.get());
    X509* signer = issuer ? issuer->certificate.get() : certificate;
    add_extension(certificate, signer, NID_basic_constraints, authority ? "critical,CA:TRUE" : "CA:FALSE");
    if (authority)
        add_extension(certificate, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    if (alternative_names && *alternative_names)
        add_extension(certificate, signer, NID_subject_alt_name, alternative_names);
    REQUIRE(X509_sign(certificate, issuer ? issuer->key.get() : made.key.get(), EVP_sha256()) > 0);
    return made;
}

Store store_with(const Made* trusted)
{
    Store store(X509_STORE_new());
    if (trusted)
        X509_STORE_add_cert(store.get(), trusted->certificate.get());
    return store;
}

std::vector<Distrust> verify(const Store& store, const Made& leaf, const std::string& host,
                             const Made* intermediate = nullptr)
{
    STACK_OF(X509)* chain = sk_X509_new_null();
    sk_X509_push(chain, leaf.certificate.get());
    if (intermediate)
        sk_X509_push(chain, intermediate->certificate.get());
    std::string other;
    std::vector<Distrust> found =
        tls::verify_chain(store.get(), leaf.certificate.get(), chain, host, test_now, &other);
    sk_X509_free(chain);
    return found;
}

const sys_seconds year_before = test_now - days(365);
const sys_seconds month_after = test_now + days(30);

} // namespace

TEST_CASE("tls reads the leaf certificate's names, issuer and validity", "[probe][tls]")
{
    const Made authority =
        make_certificate("portent test CA", year_before, test_now + days(3650), "", nullptr, true);
    const Made leaf = make_certificate("localhost", year_before, month_after,
                                       "DNS:localhost,DNS:*.test,IP:127.0.0.1,IP:::1", &authority);
    const Certificate facts = tls::certificate_of(leaf.certificate.get());
    CHECK(facts.subject_common_name == "localhost");
    CHECK(facts.alternative_names == std::vector<std::string>{"localhost", "*.test", "127.0.0.1", "::1"});
    CHECK(facts.issuer == "CN=portent test CA,O=portent tests");
    CHECK(facts.not_before == year_before);
    CHECK(facts.not_after == month_after);
    CHECK(tls::days_until(facts.not_after, test_now) == 30);
    CHECK(tls::days_until(facts.not_after, test_now + days(30) - 1s) == 0);
    CHECK(tls::days_until(facts.not_after, test_now + days(31)) == -1);
}

TEST_CASE("tls trusts a chain to a trusted CA for the name or address asked", "[probe][tls]")
{
    const Made authority =
        make_certificate("portent test CA", year_before, test_now + days(3650), "", nullptr, true);
    const Made leaf =
        make_certificate("localhost", year_before, month_after, "DNS:localhost,IP:127.0.0.1", &authority);
    const Store store = store_with(&authority);
    CHECK(verify(store, leaf, "localhost").empty());
    CHECK(verify(store, leaf, "127.0.0.1").empty());
    CHECK(verify(store, leaf, "LOCALHOST").empty());
    CHECK(verify(store, leaf, "example.test") == std::vector{Distrust::name_mismatch});
    CHECK(verify(store, leaf, "127.0.0.2") == std::vector{Distrust::name_mismatch});
}

TEST_CASE("tls says why a chain is not trusted", "[probe][tls]")
{
    const Made authority =
        make_certificate("portent test CA", year_before, test_now + days(3650), "", nullptr, true);
    const Store trusting = store_with(&authority);
    const Store empty = store_with(nullptr);
    const Made self_signed = make_certificate("localhost", year_before, month_after, "DNS:localhost");
    CHECK(verify(empty, self_signed, "localhost") == std::vector{Distrust::self_signed});
    CHECK(verify(empty, self_signed, "other.test") ==
          std::vector{Distrust::self_signed, Distrust::name_mismatch});

    const Made leaf = make_certificate("localhost", year_before, month_after, "DNS:localhost", &authority);
    CHECK(verify(empty, leaf, "localhost") == std::vector{Distrust::unknown_issuer});
    CHECK(verify(empty, leaf, "localhost", &authority) == std::vector{Distrust::unknown_issuer});

    const Made expired =
        make_certificate("localhost", year_before, test_now - days(2), "DNS:localhost", &authority);
    CHECK(verify(trusting, expired, "localhost") == std::vector{Distrust::expired});
    const Made early =
        make_certificate("localhost", test_now + days(2), month_after, "DNS:localhost", &authority);
    CHECK(verify(trusting, early, "localhost") == std::vector{Distrust::not_yet_valid});
    const Made self_signed_expired =
        make_certificate("localhost", year_before, test_now - days(1), "DNS:localhost");
    CHECK(verify(empty, self_signed_expired, "localhost") ==
          std::vector{Distrust::self_signed, Distrust::expired});
}

TEST_CASE("tls facts: the summary, the trust text and the verdict", "[probe][tls]")
{
    TlsFacts facts;
    facts.version = "TLSv1.3";
    facts.cipher = "TLS_AES_256_GCM_SHA384";
    facts.alpn = "http/1.1";
    facts.certificate =
        Certificate{"localhost", {"localhost"}, "CN=portent test CA", year_before, month_after};
    facts.days_left = 30;
    CHECK(trust_text(facts) == "trusted");
    CHECK(tls_summary(facts) ==
          "TLSv1.3 TLS_AES_256_GCM_SHA384 ALPN http/1.1, CN=localhost, 30 days left, trusted");

    ProbeResult trusted;
    trusted.passed = true;
    trusted.detail = "Server: test";
    add_tls_facts(trusted, TlsFacts(facts));
    CHECK(trusted.passed == true);
    CHECK(trusted.detail ==
          "TLSv1.3 TLS_AES_256_GCM_SHA384 ALPN http/1.1, CN=localhost, 30 days left, trusted; Server: test");
    REQUIRE(trusted.tls);

    facts.expiry_warning_days = 31;
    ProbeResult expiring;
    expiring.passed = true;
    add_tls_facts(expiring, TlsFacts(facts));
    CHECK(expiring.passed == false);
    CHECK(expiring.detail.ends_with("30 days left, trusted, expires within 31 days"));
    facts.expiry_warning_days = 30;
    CHECK_FALSE(facts.expires_too_soon());

    facts.expiry_warning_days.reset();
    facts.distrust = {Distrust::self_signed, Distrust::name_mismatch};
    facts.days_left = -2;
    CHECK(trust_text(facts) == "untrusted: self-signed, name mismatch");
    ProbeResult untrusted;
    untrusted.passed = true;
    add_tls_facts(untrusted, TlsFacts(facts));
    CHECK(untrusted.passed == false);
    CHECK(untrusted.detail.ends_with(
        "CN=localhost, expired 2 days ago, untrusted: self-signed, name mismatch"));
}
