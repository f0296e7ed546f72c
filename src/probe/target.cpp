#include "probe/target.hpp"

namespace portent::probe {

std::string_view to_string(Transport transport)
{
    return transport == Transport::tcp ? "tcp" : "udp";
}

std::string_view to_string(DialogueKind dialogue)
{
    switch (dialogue) {
    case DialogueKind::generic: return "generic";
    case DialogueKind::daytime: return "daytime";
    case DialogueKind::time: return "time";
    case DialogueKind::echo: return "echo";
    case DialogueKind::http: return "http";
    case DialogueKind::https: return "https";
    case DialogueKind::banner: return "banner";
    }
    return "";
}

} // namespace portent::probe
