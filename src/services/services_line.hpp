#pragma once

#include "services/entry.hpp"

#include <cstdint>
#include <string>

namespace portent::services {

// Whether a services(5) line can hold the entry so that glibc reads back the same entry: it has
// a name, a port and a protocol, no field of it is empty or holds white space (as isspace() in
// the C locale), '#' or NUL, and the protocol does not start with '/' (glibc skips those).
// An IANA row without a name or a protocol, or with spaces in its name, cannot be held.
[[nodiscard]] bool fits_services_line(const Entry& entry);

// Appends the entry's line for `port` (one of its ports) as getent prints it: "%-21s %d/%s", a
// space and each alias, '\n'. A range is written as one such line per port.
void append_services_line(std::string& text, const Entry& entry, std::uint16_t port);

} // namespace portent::services
