#pragma once

// The dialogues by name: what a command line needs to choose one (--as, a service's name) without
// their protocol logic, which stays inside the probe library (dialogue/dialogue.hpp).

#include "probe/target.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace portent::probe {

// What the http and https dialogues ask for: the request target and the Host header.
struct HttpRequest
{
    std::string path = "/"; // origin-form: "/", then a path and an optional "?query"
    std::string host;       // the Host header as it is; "": the target's host, and its port
                            // unless it is the scheme's default
};

// Why `path` cannot be HttpRequest::path (RFC 9112 origin-form: "/" first, visible ASCII only,
// no "#"), or "" when it can.
[[nodiscard]] std::string http_path_problem(std::string_view path);

// Why `host` cannot be HttpRequest::host (RFC 9110 Host: a host name or address, an optional
// ":PORT"; only the characters of a URI's authority), or "" when it can.
[[nodiscard]] std::string http_host_problem(std::string_view host);

// The dialogue actually spoken when `dialogue` is asked for over `transport`: http, https, tls,
// banner and the STARTTLS ones are TCP only, ntp and snmp UDP only; over the other they become
// generic.
[[nodiscard]] DialogueKind dialogue_over(DialogueKind dialogue, Transport transport);

// A dialogue's own name ("http", "banner", …) or the name of a service that speaks one
// ("www", "ssh", …); nullopt for anything else.
[[nodiscard]] std::optional<DialogueKind> dialogue_named(std::string_view name);

// The dialogue for a service name from the database: generic when it has none of its own, or
// one spoken only when asked for (snmp, whose community string is a password guessed).
[[nodiscard]] DialogueKind dialogue_for_service(std::string_view service);

// The names dialogue_named() accepts for the dialogues themselves, for help and errors.
[[nodiscard]] std::string_view dialogue_names();

} // namespace portent::probe
