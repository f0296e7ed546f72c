#!/usr/bin/python3
"""TCP listeners on many loopback addresses for the many-host benchmark (python3 standard library only).

  host_listeners.py FIRST-LAST PORT[,PORT...]   e.g. 127.0.1.1-64 22,80,443

Listens on every address from FIRST to LAST (the last part varies) on each PORT; each connection gets one line
and is closed. Prints "ready" when listening; runs until SIGTERM or 600 s. Only for a private
network namespace: the addresses must be in 127.0.0.0/8.
"""

import ipaddress
import os
import selectors
import signal
import socket
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, span = sys.argv[1].rsplit(".", 1)
    low, high = (int(x) for x in span.split("-"))
    addresses = [f"{base}.{i}" for i in range(low, high + 1)]
    if not all(ipaddress.ip_address(a) in ipaddress.ip_network("127.0.0.0/8") for a in addresses):
        sys.exit("host_listeners.py: only addresses in 127.0.0.0/8")
    ports = [int(p) for p in sys.argv[2].split(",")]
    chooser = selectors.DefaultSelector()
    for address in addresses:
        for port in ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((address, port))
            s.listen(1024)
            s.setblocking(False)
            chooser.register(s, selectors.EVENT_READ)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("ready", flush=True)
    end = time.monotonic() + 600
    while time.monotonic() < end:
        for key, _ in chooser.select(timeout=1):
            try:
                conn, _ = key.fileobj.accept()
                conn.sendall(b"portent-bench listener\r\n")
                conn.close()
            except OSError:
                pass


if __name__ == "__main__":
    main()
