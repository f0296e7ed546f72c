#include "probe/tls/inspect.hpp"

#include <openssl/bio.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <array>
#include <set>

namespace portent::probe::tls {

namespace {

using namespace std::chrono;

using NamesPointer = Owned<GENERAL_NAMES, GENERAL_NAMES_free>;
using BioPointer = Owned<BIO, BIO_free>;
using StoreContextPointer = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509Pointer = Owned<X509, X509_free>;

std::string utf8_of(const ASN1_STRING* text)
{
    unsigned char* converted = nullptr;
    const int size = ASN1_STRING_to_UTF8(&converted, text);
    if (size < 0)
        return "";
    std::string result(reinterpret_cast<const char*>(converted), static_cast<std::size_t>(size));
    OPENSSL_free(converted);
    return result;
}

std::string common_name(X509_NAME* name)
{
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0)
        return "";
    return utf8_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
}

// RFC 2253 order and escapes, UTF-8 left as it is.
std::string distinguished_name(X509_NAME* name)
{
    const BioPointer memory(BIO_new(BIO_s_mem()));
    if (!memory || X509_NAME_print_ex(memory.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return "";
    char* data = nullptr;
    const long size = BIO_get_mem_data(memory.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : "";
}

std::string address_text(const ASN1_OCTET_STRING* octets)
{
    const int family = octets->length == 4 ? AF_INET : octets->length == 16 ? AF_INET6 : 0;
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (family == 0 || !inet_ntop(family, octets->data, text.data(), text.size()))
        return "";
    return text.data();
}

std::vector<std::string> alternative_names(X509* certificate)
{
    std::vector<std::string> result;
    const NamesPointer names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
    if (!names)
        return result;
    for (int index = 0; index < sk_GENERAL_NAME_num(names.get()); ++index) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), index);
        std::string text;
        if (name->type == GEN_DNS)
            text = utf8_of(name->d.dNSName);
        else if (name->type == GEN_IPADD)
            text = address_text(name->d.iPAddress);
        if (!text.empty())
            result.push_back(std::move(text));
    }
    return result;
}

sys_seconds instant_of(const ASN1_TIME* time)
{
    std::tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return sys_seconds{seconds{timegm(&parts)}};
}

bool is_address_literal(std::string_view host)
{
    const std::string text(host);
    std::array<unsigned char, 16> address{};
    return inet_pton(AF_INET, text.c_str(), address.data()) == 1 ||
           inet_pton(AF_INET6, text.c_str(), address.data()) == 1;
}

struct Found
{
    std::set<Distrust> reasons;
    std::string other;
};

Distrust distrust_of(int error)
{
    switch (error) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return Distrust::self_signed;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return Distrust::unknown_issuer;
    case X509_V_ERR_CERT_HAS_EXPIRED: return Distrust::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID: return Distrust::not_yet_valid;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return Distrust::name_mismatch;
    default: return Distrust::other;
    }
}

// Records every failure and lets verification go on, so that all of them are found.
int record_failure(int passed, X509_STORE_CTX* context)
{
    if (passed == 0) {
        auto* found = static_cast<Found*>(X509_STORE_CTX_get_app_data(context));
        const int error = X509_STORE_CTX_get_error(context);
        const Distrust reason = distrust_of(error);
        found->reasons.insert(reason);
        if (reason == Distrust::other && found->other.empty())
            found->other = X509_verify_cert_error_string(error);
    }
    return 1;
}

} // namespace

Certificate certificate_of(X509* certificate)
{
    Certificate result;
    result.subject_common_name = common_name(X509_get_subject_name(certificate));
    result.alternative_names = alternative_names(certificate);
    result.issuer = distinguished_name(X509_get_issuer_name(certificate));
    result.not_before = instant_of(X509_get0_notBefore(certificate));
    result.not_after = instant_of(X509_get0_notAfter(certificate));
    return result;
}

long long days_until(sys_seconds not_after, system_clock::time_point now)
{
    return floor<days>(not_after - now).count();
}

std::vector<Distrust> verify_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted,
                                   std::string_view host, system_clock::time_point now, std::string* other)
{
    Found found;
    const StoreContextPointer context(X509_STORE_CTX_new());
    if (!context || X509_STORE_CTX_init(context.get(), store, leaf, untrusted) != 1) {
        found.reasons.insert(Distrust::other);
        found.other = "cannot set up verification";
    } else {
        X509_VERIFY_PARAM* parameters = X509_STORE_CTX_get0_param(context.get());
        const std::string name(host);
        if (is_address_literal(host))
            X509_VERIFY_PARAM_set1_ip_asc(parameters, name.c_str());
        else
            X509_VERIFY_PARAM_set1_host(parameters, name.c_str(), name.size());
        X509_VERIFY_PARAM_set_purpose(parameters, X509_PURPOSE_SSL_SERVER);
        X509_VERIFY_PARAM_set_time(parameters, system_clock::to_time_t(now));
        X509_STORE_CTX_set_app_data(context.get(), &found);
        X509_STORE_CTX_set_verify_cb(context.get(), record_failure);
        if (X509_verify_cert(context.get()) != 1 && found.reasons.empty()) {
            found.reasons.insert(Distrust::other);
            found.other = X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
        }
    }
    if (other)
        *other = found.other;
    return {found.reasons.begin(), found.reasons.end()};
}

bool prepare_client_context(SSL_CTX* context)
{
    static constexpr unsigned char offered[] = "\x02h2\x08http/1.1";
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
    return SSL_CTX_set_alpn_protos(context, offered, sizeof offered - 1) == 0;
}

void read_trust_store(SSL_CTX* context)
{
    // A missing store is no error here: every chain is then of an unknown issuer.
    (void)SSL_CTX_set_default_verify_paths(context);
}

std::string send_server_name(SSL* connection, std::string_view host)
{
    if (host.empty() || is_address_literal(host))
        return "";
    std::string name(host);
    if (SSL_set_tlsext_host_name(connection, name.c_str()) != 1)
        return "";
    return name;
}

TlsFacts facts_of(SSL* connection, X509_STORE* store, std::string_view host, std::string server_name)
{
    const auto now = system_clock::now();
    TlsFacts facts;
    facts.version = SSL_get_version(connection);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(connection))
        facts.cipher = SSL_CIPHER_get_name(cipher);
    const unsigned char* alpn = nullptr;
    unsigned int alpn_size = 0;
    SSL_get0_alpn_selected(connection, &alpn, &alpn_size);
    if (alpn)
        facts.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_size);
    facts.server_name = std::move(server_name);
    const X509Pointer leaf(SSL_get1_peer_certificate(connection));
    if (!leaf) {
        facts.distrust.push_back(Distrust::other);
        facts.other_reason = "no certificate";
        return facts;
    }
    facts.certificate = certificate_of(leaf.get());
    facts.days_left = days_until(facts.certificate->not_after, now);
    facts.distrust =
        verify_chain(store, leaf.get(), SSL_get_peer_cert_chain(connection), host, now, &facts.other_reason);
    return facts;
}

} // namespace portent::probe::tls
