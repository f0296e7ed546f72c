#pragma once

// FileDescriptor is util's (util/file_descriptor.hpp); this name stays for the code that still
// includes it from here.
#include "util/file_descriptor.hpp"

namespace portent::services {

using util::FileDescriptor;

} // namespace portent::services
