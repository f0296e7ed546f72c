#!/usr/bin/python3
"""Sockets for the `portent local` tests, held open until stdin closes (at most 300 s).

  listeners.py COMMAND_NAME SPEC_JSON

COMMAND_NAME becomes the process's name (/proc/self/comm). SPEC_JSON is a list of sockets:
  {"name": "ssh", "protocol": "tcp"|"udp", "address": "0.0.0.0"|"::1"|…, "port": 22,
   "v6only": true|false (IPv6 only), "listen": true (TCP; false: bound, not listening),
   "device": "lo" (SO_BINDTODEVICE), "connect": ["127.0.0.1", 53] (UDP: a connected socket),
   "accept_from": "NAME" (TCP: a connection to the listener NAME, both ends held here),
   "share": true (a `sleep` child holds the socket too)}
Prints one JSON line when ready: {"pid": PID, "sleep_pid": PID or null, "fds": {NAME: fd, …},
"ports": {NAME: port, …}} (a connection's client end is NAME + ".client").
"""

import ctypes
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time

LIFETIME = 300


def make(spec):
    family = socket.AF_INET6 if ":" in spec["address"] else socket.AF_INET
    kind = socket.SOCK_STREAM if spec["protocol"] == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6 and "v6only" in spec:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if spec["v6only"] else 0)
    if spec.get("device"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, spec["device"].encode())
    s.bind((spec["address"], spec["port"]))
    if kind == socket.SOCK_STREAM and spec.get("listen", True):
        s.listen(16)
    if spec.get("connect"):
        s.connect(tuple(spec["connect"]))
    return s


def die_with_parent():
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the test's terminate(): clean up the child
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open("/proc/self/comm", "w") as comm:
        comm.write(sys.argv[1])
    specs = json.loads(sys.argv[2])
    held, fds, ports = {}, {}, {}
    for spec in specs:
        if spec.get("accept_from"):
            listener = held[spec["accept_from"]]
            host = listener.getsockname()[0]
            host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
            client = socket.create_connection((host, listener.getsockname()[1]), timeout=10)
            server, _ = listener.accept()
            held[spec["name"]], held[spec["name"] + ".client"] = server, client
        else:
            held[spec["name"]] = make(spec)
    for name, s in held.items():
        fds[name] = s.fileno()
        ports[name] = s.getsockname()[1]
    shared = [held[spec["name"]].fileno() for spec in specs if spec.get("share")]
    sleeper = None
    if shared:
        sleeper = subprocess.Popen(["sleep", str(LIFETIME)], pass_fds=shared, stdin=subprocess.DEVNULL,
                                   preexec_fn=die_with_parent)
    print(json.dumps({"pid": os.getpid(), "sleep_pid": sleeper.pid if sleeper else None, "fds": fds,
                      "ports": ports}), flush=True)
    try:
        deadline = time.monotonic() + LIFETIME
        while time.monotonic() < deadline:  # until the test closes our stdin, or ends
            readable, _, _ = select.select([sys.stdin], [], [], 5)
            if readable and not sys.stdin.buffer.read1(4096):
                break
    finally:
        if sleeper:
            sleeper.kill()
            sleeper.wait()


if __name__ == "__main__":
    main()
