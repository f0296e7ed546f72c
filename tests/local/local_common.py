"""Helpers for the `portent local` tests (python3 standard library only): ss's output and portent's
JSON read into the same form, and the wait for xinetd (daemons.xinetd) in a private network namespace."""

import collections
import os
import re
import time

import probe_common as pc

SS_STATES = {"LISTEN": "listen", "UNCONN": "unconnected", "ESTAB": "established", "SYN-SENT": "syn-sent",
             "FIN-WAIT-1": "fin-wait-1", "FIN-WAIT-2": "fin-wait-2", "CLOSE-WAIT": "close-wait",
             "LAST-ACK": "last-ack", "CLOSING": "closing"}
SS_USER = re.compile(r'\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)')


def ss_label(socket, address, port, local):
    """An end of a portent JSON socket written as ss writes it."""
    if ":" not in address:
        text = address
    elif local and address == "::" and socket["v6only"] is False:
        text = "*"
    else:
        text = f"[{address}]"
    if local and socket["interface"]:
        text += "%" + socket["interface"]
    return f"{text}:{port}"


def portent_view(document):
    """Counter of (netid, state, local, peer, processes) from portent's JSON."""
    view = collections.Counter()
    for s in document:
        local = ss_label(s, s["address"], s["port"], True)
        peer = None if s["remote_address"] is None else ss_label(s, s["remote_address"], s["remote_port"], False)
        users = tuple(sorted((p["command"], p["pid"], p["fd"]) for p in s["processes"]))
        view[(s["protocol"], s["state"], local, peer, users)] += 1
    return view


def ss_view(output, states=None):
    """The same Counter from `ss -H -n -p` output; `states`: keep only these (ss names)."""
    view = collections.Counter()
    for line in output.decode().splitlines():
        fields = line.split(None, 6)
        if len(fields) < 6:
            continue
        netid, state, _, _, local, peer = fields[:6]
        if states is not None and state not in states:
            continue
        users = tuple(sorted((name, int(pid), int(fd)) for name, pid, fd in SS_USER.findall(fields[6])
                             )) if len(fields) == 7 else ()
        view[(netid, SS_STATES.get(state, state), local, None if peer.endswith(":*") else peer, users)] += 1
    return view


def wait_for_xinetd(tmp):
    """Waits (10 s at most) until xinetd holds 13/tcp, 13/udp and 7/tcp; dies with its log otherwise."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ss = pc.run(["ss", "-H", "-n", "-tul"], timeout=10)
        found = {line.split()[4] for line in ss.out.decode().splitlines() if len(line.split()) > 4}
        if {"127.0.0.1:13", "127.0.0.1:7"} <= found and ss.out.decode().count("127.0.0.1:13") == 2:
            return
        time.sleep(0.05)
    log = os.path.join(tmp, "xinetd.log")
    pc.die("xinetd did not bind 13/tcp, 13/udp and 7/tcp within 10 s\n" +
           (open(log, errors="replace").read() if os.path.exists(log) else ""))
