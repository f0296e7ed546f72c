#!/usr/bin/python3
"""Loopback listeners for the probe benchmarks (python3 standard library only).

  listeners.py tcp PORT...        TCP listeners on 127.0.0.1 that send one line and close (0 = a free port)
  listeners.py udp-blackhole LO-HI  bound UDP sockets on 127.0.0.1 that never read (no reply, no ICMP)

Prints the ports it holds (one line) when ready; runs until SIGTERM, 600 s, or (when stdin is a pipe)
until stdin closes.
"""

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


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("tcp", "udp-blackhole"):
        sys.exit(__doc__)
    keep, ports = [], []
    if sys.argv[1] == "tcp":
        for port in map(int, sys.argv[2:]):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen(1024)
            keep.append(s)
            ports.append(s.getsockname()[1])
            threading.Thread(target=serve, args=(s,), daemon=True).start()
    else:
        lo, hi = map(int, sys.argv[2].split("-"))
        for port in range(lo, hi + 1):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", port))
            keep.append(s)
            ports.append(port)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(" ".join(map(str, ports)) if sys.argv[1] == "tcp" else f"{ports[0]}-{ports[-1]}", flush=True)

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
