#!/usr/bin/python3
"""Listening sockets for bench/local: TCP listeners and bound UDP sockets on 127.0.0.1 and ::1.

  many_listeners.py COUNT FIRST_PORT

COUNT sockets in all, three TCP listeners to each UDP socket, IPv4 and IPv6 in turn, from FIRST_PORT
up. Prints the number it holds when ready; runs until stdin closes, SIGTERM, or 600 s.
"""

import os
import select
import signal
import socket
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count, port = int(sys.argv[1]), int(sys.argv[2])
    held = []
    for index in range(count):
        family, address = (socket.AF_INET, "127.0.0.1") if index % 2 == 0 else (socket.AF_INET6, "::1")
        tcp = index % 4 != 3
        s = socket.socket(family, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        s.bind((address, port + index // 2))
        if tcp:
            s.listen(8)
        held.append(s)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(len(held), flush=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sys.stdin], [], [], 5)
        if readable and not sys.stdin.buffer.read1(4096):
            return


if __name__ == "__main__":
    main()
