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
    case DialogueKind::tls: return "tls";
    case DialogueKind::banner: return "banner";
    case DialogueKind::smtp: return "smtp";
    case DialogueKind::imap: return "imap";
    case DialogueKind::pop3: return "pop3";
    case DialogueKind::ftp: return "ftp";
    case DialogueKind::dns: return "dns";
    case DialogueKind::ntp: return "ntp";
    case DialogueKind::snmp: return "snmp";
    }
    return "";
}

} // namespace portent::probe
