#!/usr/bin/python3
"""Loopback listeners for the probe benchmarks (python3 standard library only).

  listeners.py tcp PORT...        TCP listeners on 127.0.0.1 that send one line and close (0 = a free port)
  listeners.py tcp-hosts FIRST-LAST PORT[,PORT...] [FIRST-LAST PORT[,PORT...]]...
                                  the same on every address from FIRST to LAST (the last part varies) on
                                  each PORT, e.g. 127.0.1.1-64 22,80,443; addresses in 127.0.0.0/8 only
  listeners.py udp-blackhole LO-HI  bound UDP sockets on 127.0.0.1 that never read (no reply, no ICMP)

Prints the ports it holds (one line; tcp-hosts: how many listeners) when ready; runs until SIGTERM,
600 s, or (when stdin is a pipe) until stdin closes.
"""

import ipaddress
import os
import signal
import socket
import stat
import sys
import threading
import time


def serve(listener):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        try:
            conn.sendall(b"portent-bench listener\r\n")
            conn.close()
        except OSError:
            pass


def tcp_listener(address, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, port))
    s.listen(1024)
    threading.Thread(target=serve, args=(s,), daemon=True).start()
    return s


def addresses(span):
    """127.0.1.1-64: 127.0.1.1 to 127.0.1.64, each in 127.0.0.0/8."""
    base, last = span.rsplit(".", 1)
    low, high = (int(x) for x in last.split("-"))
    found = [f"{base}.{i}" for i in range(low, high + 1)]
    if not all(ipaddress.ip_address(a) in ipaddress.ip_network("127.0.0.0/8") for a in found):
        sys.exit("listeners.py: only addresses in 127.0.0.0/8")
    return found


def main():
    modes = ("tcp", "tcp-hosts", "udp-blackhole")
    if len(sys.argv) < 3 or sys.argv[1] not in modes or (sys.argv[1] == "tcp-hosts" and len(sys.argv) % 2):
        sys.exit(__doc__)
    keep = []
    if sys.argv[1] == "tcp":
        keep = [tcp_listener("127.0.0.1", int(port)) for port in sys.argv[2:]]
        ready = " ".join(str(s.getsockname()[1]) for s in keep)
    elif sys.argv[1] == "tcp-hosts":
        groups = sys.argv[2:]
        for span, port_list in zip(groups[::2], groups[1::2]):
            keep += [tcp_listener(a, int(p)) for a in addresses(span) for p in port_list.split(",")]
        ready = f"{len(keep)} listeners"
    else:
        lo, hi = map(int, sys.argv[2].split("-"))
        for port in range(lo, hi + 1):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", port))
            keep.append(s)
        ready = f"{lo}-{hi}"
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(ready, flush=True)

    def watch_stdin():
        try:
            sys.stdin.read()
        finally:
            os._exit(0)

    if stat.S_ISFIFO(os.fstat(0).st_mode):  # started from a program holding a pipe: go when it goes
        threading.Thread(target=watch_stdin, daemon=True).start()
    time.sleep(600)
    os._exit(0)


if __name__ == "__main__":
    main()
