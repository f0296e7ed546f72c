#pragma once

// The dialogues by name: what a command line needs to choose one (--as, a service's name) without
// their protocol logic, which stays inside the probe library (dialogue/dialogue.hpp).

#include "probe/target.hpp"

#include <optional>
#include <string_view>

namespace portent::probe {

// The dialogue actually spoken when `dialogue` is asked for over `transport`: http, https and
// banner are TCP only, so over UDP they become generic.
[[nodiscard]] DialogueKind dialogue_over(DialogueKind dialogue, Transport transport);

// A dialogue's own name ("http", "banner", …) or the name of a service that speaks one
// ("www", "ssh", …); nullopt for anything else.
[[nodiscard]] std::optional<DialogueKind> dialogue_named(std::string_view name);

// The dialogue for a service name from the database: generic when it has none of its own.
[[nodiscard]] DialogueKind dialogue_for_service(std::string_view service);

// The names dialogue_named() accepts for the dialogues themselves, for help and errors.
[[nodiscard]] std::string_view dialogue_names();

} // namespace portent::probe
