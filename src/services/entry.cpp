#include "services/entry.hpp"

#include <string>

namespace portent::services {

std::string format_ports(const Entry& entry)
{
    if (!entry.has_port())
        return {};
    std::string text = std::to_string(entry.port_first());
    if (entry.is_range()) {
        text.push_back('-');
        text.append(std::to_string(entry.port_last()));
    }
    return text;
}

} // namespace portent::services
