#!/usr/bin/env python3
"""Independent check of portent's embedded services database (data/services).

Usage: check_embedded_database.py DATA_SERVICES IANA_CSV [NETBASE_SERVICES]

DATA_SERVICES     the project's data/services
IANA_CSV          service-names-port-numbers.csv from the IANA Service Name and
                  Transport Protocol Port Number Registry
NETBASE_SERVICES  a netbase services file (default /etc/services); when it does
                  not exist, the netbase part is skipped with a message

Checks:
  * every line parses as services(5): name port/proto [aliases...] [# comment];
    port 0-65535; protocol tcp, udp, sctp or dccp;
  * every entry's name or one of its aliases is IANA's service name for that
    exact port and protocol (IANA rows "LO-HI" cover the ports in the range);
  * no name or alias stands for two different ports under the same protocol
    (the later one would be shadowed), no (port, protocol) listed twice;
  * entries are ordered by port, then tcp, udp, sctp, dccp;
  * every netbase entry on ports 0-1023 whose protocol IANA also registers for
    that port is present (same port and protocol) with netbase's name as name
    or alias, and with netbase's aliases;
  * the daily-use services mysql, postgresql, redis, http-alt, mongodb are there.

Standard library only.  Exit status 0 when everything holds, 1 otherwise (every
problem is listed), 2 on usage errors.
"""

import csv
import os
import sys

PROTOCOLS = ("tcp", "udp", "sctp", "dccp")
REQUIRED = [("mysql", 3306, "tcp"), ("postgresql", 5432, "tcp"), ("redis", 6379, "tcp"),
            ("http-alt", 8080, "tcp"), ("mongodb", 27017, "tcp")]


class Entry:
    def __init__(self, line_no, name, port, proto, aliases):
        self.line_no = line_no
        self.name = name
        self.port = port
        self.proto = proto
        self.aliases = aliases

    def names(self):
        return [self.name] + self.aliases

    def where(self, path):
        return "%s:%d: %s %d/%s" % (path, self.line_no, self.name, self.port, self.proto)


def read_services(path, problems, known_protocols_only=True):
    """A small services(5) reader: '#' starts a comment, fields split on whitespace."""
    entries = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line_no, line in enumerate(f, 1):
            data = line.split("#", 1)[0]
            fields = data.split()
            if not fields:
                continue
            where = "%s:%d" % (path, line_no)
            if len(fields) < 2 or "/" not in fields[1]:
                problems.append("%s: not 'name port/proto': %r" % (where, line.rstrip("\n")))
                continue
            port_text, proto = fields[1].split("/", 1)
            if not port_text.isdigit():
                problems.append("%s: port %r is not a number" % (where, port_text))
                continue
            port = int(port_text)
            if port > 65535:
                problems.append("%s: port %d is over 65535" % (where, port))
                continue
            if known_protocols_only and proto not in PROTOCOLS:
                problems.append("%s: protocol %r is not one of %s"
                                % (where, proto, ", ".join(PROTOCOLS)))
                continue
            entries.append(Entry(line_no, fields[0], port, proto, fields[2:]))
    return entries


def read_iana(path):
    """Returns {(port, proto): set of service names}; rows without a name
    (Reserved, Unassigned) and rows without port or protocol are not registrations."""
    registry = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        if [h.strip() for h in header[:3]] != ["Service Name", "Port Number", "Transport Protocol"]:
            raise ValueError("%s: unexpected header %r" % (path, header[:3]))
        for row in reader:
            if len(row) < 3:
                continue
            name, port_text, proto = row[0].strip(), row[1].strip(), row[2].strip().lower()
            if not name or not port_text or not proto:
                continue
            if "-" in port_text:
                lo, hi = (int(x) for x in port_text.split("-", 1))
            else:
                lo = hi = int(port_text)
            for port in range(lo, hi + 1):
                registry.setdefault((port, proto), set()).add(name)
    return registry


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    data_path, iana_path = argv[1], argv[2]
    netbase_path = argv[3] if len(argv) == 4 else "/etc/services"
    problems = []

    entries = read_services(data_path, problems)
    registry = read_iana(iana_path)

    # Every entry is an IANA fact.
    for e in entries:
        iana_names = registry.get((e.port, e.proto), set())
        if not iana_names:
            problems.append("%s: IANA has no service registered on %d/%s"
                            % (e.where(data_path), e.port, e.proto))
        elif not iana_names & set(e.names()):
            problems.append("%s: no name or alias is IANA's name for %d/%s (IANA: %s)"
                            % (e.where(data_path), e.port, e.proto,
                               ", ".join(sorted(iana_names))))

    # No shadowing, no repeated (port, proto), sorted order.
    name_port = {}
    port_proto = {}
    previous = None
    for e in entries:
        for n in e.names():
            key = (n.lower(), e.proto)
            if key in name_port and name_port[key][0] != e.port:
                problems.append("%s: %r/%s already stands for port %d (line %d)"
                                % (e.where(data_path), n, e.proto, name_port[key][0],
                                   name_port[key][1]))
            name_port.setdefault(key, (e.port, e.line_no))
        pp = (e.port, e.proto)
        if pp in port_proto:
            problems.append("%s: %d/%s already listed on line %d"
                            % (e.where(data_path), e.port, e.proto, port_proto[pp]))
        port_proto.setdefault(pp, e.line_no)
        order = (e.port, PROTOCOLS.index(e.proto))
        if previous is not None and order < previous:
            problems.append("%s: out of order (by port, then %s)"
                            % (e.where(data_path), ", ".join(PROTOCOLS)))
        previous = order

    by_port_proto = {}
    for e in entries:
        by_port_proto.setdefault((e.port, e.proto), []).append(e)

    # Daily-use services.
    for name, port, proto in REQUIRED:
        if not any(name in e.names() for e in by_port_proto.get((port, proto), [])):
            problems.append("%s: missing %s %d/%s" % (data_path, name, port, proto))

    # Netbase 0-1023.
    if os.path.exists(netbase_path):
        netbase_problems = []
        netbase = read_services(netbase_path, netbase_problems, known_protocols_only=False)
        problems.extend("netbase: " + p for p in netbase_problems)
        wanted = present = 0
        skipped = []
        for nb in netbase:
            if nb.port > 1023:
                continue
            if not registry.get((nb.port, nb.proto)):
                skipped.append("%s %d/%s" % (nb.name, nb.port, nb.proto))
                continue
            wanted += 1
            candidates = [e for e in by_port_proto.get((nb.port, nb.proto), [])
                          if nb.name in e.names()]
            if not candidates:
                problems.append("%s: netbase's %s missing (no entry for %d/%s named or aliased %r)"
                                % (data_path, nb.where(netbase_path), nb.port, nb.proto, nb.name))
                continue
            missing_aliases = [a for a in nb.aliases if a not in candidates[0].names()]
            if missing_aliases:
                problems.append("%s: netbase's aliases %s missing"
                                % (candidates[0].where(data_path), missing_aliases))
                continue
            present += 1
        netbase_summary = "netbase 0-1023: %d of %d present" % (present, wanted)
        if skipped:
            print("check_embedded_database: netbase 0-1023 entries IANA does not register "
                  "(not required): %s" % ", ".join(skipped))
    else:
        print("check_embedded_database: %s not found, netbase part skipped" % netbase_path)
        netbase_summary = "netbase 0-1023: skipped"

    if problems:
        print("check_embedded_database: %d problem(s):" % len(problems), file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print("check_embedded_database: %d entries, all IANA facts; %s" % (len(entries), netbase_summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
