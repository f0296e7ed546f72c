#include "probe/target.hpp"

namespace portent::probe {

std::string_view to_string(Transport transport)
{
    return transport == Transport::tcp ? "tcp" : "udp";
}

} // namespace portent::probe
