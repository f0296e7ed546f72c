#pragma once

#include "probe/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

// The OpenSSL side of the TLS facts, without sockets: what a certificate says, whether a chain
// verifies, and the facts of an established connection. Internal to the probe library.
namespace portent::probe::tls {

// An OpenSSL object that frees itself with `FreeFunction`: Owned<X509, X509_free>.
template <auto FreeFunction> struct Freer
{
    template <class T> void operator()(T* pointer) const { FreeFunction(pointer); }
};
template <class T, auto FreeFunction> using Owned = std::unique_ptr<T, Freer<FreeFunction>>;

// Subject CN, SAN list (DNS names and IP addresses), issuer, validity.
[[nodiscard]] Certificate certificate_of(X509* certificate);

// Whole days from `now` until `not_after`: 0 on its last day, negative once past.
[[nodiscard]] long long days_until(std::chrono::sys_seconds not_after,
                                   std::chrono::system_clock::time_point now);

// Why the chain of `leaf` (with the `untrusted` certificates the server sent, may be null) does
// not verify against `store` for `host` (a name, or an address literal) at `now`: every reason
// found, in Distrust's order; empty when it verifies. `other` gets OpenSSL's words for
// Distrust::other.
[[nodiscard]] std::vector<Distrust> verify_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted,
                                                 std::string_view host,
                                                 std::chrono::system_clock::time_point now,
                                                 std::string* other);

// Sets up a client context: no verification during the handshake (verify_chain() judges the
// chain after it, so that an untrusted certificate is still described), ALPN offering h2 and
// http/1.1. Returns false when OpenSSL refuses.
bool prepare_client_context(SSL_CTX* context);

// Reads the system trust store into the context's store: OpenSSL's default paths, which
// SSL_CERT_FILE and SSL_CERT_DIR override. Before verify_chain() against it.
void read_trust_store(SSL_CTX* context);

// The SNI for `host`: the host name itself, or "" for an address literal (RFC 6066 forbids
// literals there). Sets it on `connection` when not empty.
std::string send_server_name(SSL* connection, std::string_view host);

// The facts of an established connection to `host`, its chain verified against `store`.
[[nodiscard]] TlsFacts facts_of(SSL* connection, X509_STORE* store, std::string_view host,
                                std::string server_name);

} // namespace portent::probe::tls
