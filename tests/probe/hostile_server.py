#!/usr/bin/python3
"""Misbehaving servers for the `portent probe` tests (python3 standard library only).

Serves every behaviour below on its own free port of --host (loopback only), prints one JSON line
{"behaviour": port, ...} on stdout when ready, and runs until stdin closes, SIGTERM, or --lifetime.

  silent        TCP: accepts, never speaks (reads and discards what the client sends)
  banner        TCP: sends "SSH-2.0-portent-test\\r\\n" at once
  slowbanner    TCP: waits 1.2 s, then sends a banner line
  chargen       TCP: RFC 864 character generator, sends lines forever
  flood         TCP: sends "A" forever, never a newline
  reset         TCP: sends a few bytes (no newline), then resets the connection (SO_LINGER 0)
  trickle       TCP: one byte a second, no newline
  nasty         TCP: a line full of NUL, ESC sequences, BEL, DEL and C1 controls, then EOF
  recorder      TCP: minimal HTTP server; writes each request it gets to --record-dir
  goodecho      TCP: RFC 862 echo, byte for byte
  badecho       TCP: echoes with the first byte of each chunk altered (same length)
  halfecho      TCP: echoes the first half of what it gets, then closes
  extraecho     TCP: echoes, then sends more ("EXTRA\r\n")
  letters       TCP: sends "HHHH" (as an RFC 868 time: 2074) and closes
  status999     TCP: answers any request with "HTTP/1.1 999 Whatever" and an empty header section
  nuls          TCP: sends two NUL bytes (as an RFC 867 daytime) and closes
  headers10k    TCP: answers any request with "HTTP/1.1 200 OK" and 10,000 header lines
  tls_stall     TCP: reads the ClientHello, sends the first 5 bytes of a ServerHello record, then
                nothing more
  tls_bigchain  TCP: TLS with a certificate chain of about 100 KB (--tls-chain CERT KEY; the
                chain file holds the leaf and copies of it)
  udp_echo      UDP: replies with the datagram it got
  udp_badecho   UDP: replies with the datagram, first byte altered
  udp_big       UDP: replies with a 60000-byte datagram
  udp_nasty     UDP: replies with the control-character line of `nasty`
  closed_tcp    TCP: a port bound but not listening (connect is refused)
  closed_udp    UDP: a port that was bound then closed (ICMP port unreachable)
  blackhole_udp UDP: a bound socket that never reads (no reply, no ICMP)

--silent-range LO-HI and --blackhole-udp-range LO-HI add exact port ranges (inside a private netns).
--spread BASE COPIES BEHAVIOUR... serves each TCP behaviour named (silent, tls_bigchain and those
above) on COPIES ports of its own as well, interleaved from BASE on: port BASE + C * B + N is copy C
of the N-th behaviour named (of B); adds {"spread": {"behaviour": first port}} to the line it prints.
--silent-peak-file PATH: the most connections the silent listeners have held open at once, written
there each time it grows (a probe holds a silent connection until its deadline: the targets in flight).
Every loop is bounded in time; connections are dropped after at most 30 s.
"""

import argparse
import json
import os
import selectors
import signal
import socket
import struct
import sys
import threading
import time

NASTY = (b"hello\x00world ESC-clear:\x1b[2J OSC-title:\x1b]0;title\x07 bell:\x07 del:\x7f "
         b"c1-utf8:\xc2\x9b1m c1-raw:\x9b2m cr:\r end\r\n")
BANNER = b"SSH-2.0-portent-test\r\n"
SLOW_BANNER = b"SSH-2.0-portent-slow-test\r\n"
RESET_PREFIX = b"RESET-SERVER partial banner without newline"
TRICKLE = b"trickle-" * 8
RECORDER_SERVER = "portent-test-recorder/1.0"
CONNECTION_LIMIT_SECONDS = 30


def chargen_stream():
    chars = bytes(range(33, 127))
    i = 0
    while True:
        yield bytes(chars[(i + k) % len(chars)] for k in range(72)) + b"\r\n"
        i += 1


def chargen_prefix(length):
    out = b""
    for line in chargen_stream():
        out += line
        if len(out) >= length:
            return out[:length]


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def drain_until_closed(conn, seconds=10):
    """Reads and discards until the client closes or `seconds` pass."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        conn.settimeout(max(0.05, min(1.0, end - time.monotonic())))
        try:
            if not conn.recv(65536):
                return
        except socket.timeout:
            continue
        except OSError:
            return


def send_forever(conn, chunks):
    conn.settimeout(5)
    end = time.monotonic() + CONNECTION_LIMIT_SECONDS
    for chunk in chunks:
        if time.monotonic() > end:
            return
        try:
            conn.sendall(chunk)
        except OSError:
            return


def handle_banner(conn, _):
    conn.sendall(BANNER)
    drain_until_closed(conn)


def handle_slowbanner(conn, _):
    time.sleep(1.2)
    conn.sendall(SLOW_BANNER)
    drain_until_closed(conn)


def handle_chargen(conn, _):
    send_forever(conn, chargen_stream())


def handle_flood(conn, _):
    send_forever(conn, iter(lambda: b"A" * 4096, None))


def handle_reset(conn, _):
    conn.sendall(RESET_PREFIX)
    time.sleep(0.2)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def handle_trickle(conn, _):
    for i in range(len(TRICKLE)):
        try:
            conn.sendall(TRICKLE[i:i + 1])
        except OSError:
            return
        time.sleep(1)


def handle_nasty(conn, _):
    conn.sendall(NASTY)
    conn.shutdown(socket.SHUT_WR)
    drain_until_closed(conn)


def echo_loop(conn, transform, finish=b""):
    end = time.monotonic() + 10
    conn.settimeout(1)
    while time.monotonic() < end:
        try:
            chunk = conn.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            return
        conn.sendall(transform(chunk) + finish)


def alter(data):
    return bytes([data[0] ^ 0x20]) + data[1:]


def handle_goodecho(conn, _):
    echo_loop(conn, lambda d: d)


def handle_badecho(conn, _):
    echo_loop(conn, alter)


def handle_halfecho(conn, _):
    conn.settimeout(5)
    data = conn.recv(65536)
    conn.sendall(data[:len(data) // 2])


def handle_extraecho(conn, _):
    echo_loop(conn, lambda d: d, b"EXTRA\r\n")


def handle_letters(conn, _):
    conn.sendall(b"HHHH")


def read_request(conn, limit=65536):
    """Reads up to the end of an HTTP request head (or `limit` bytes, or 5 s of silence)."""
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def handle_status999(conn, _):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def handle_nuls(conn, _):
    conn.sendall(b"\0\0")


def handle_headers10k(conn, _):
    read_request(conn)
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Header-%05d: value\r\n" % i for i in range(10000))
    try:
        conn.sendall(head + b"Content-Length: 0\r\n\r\n")
    except OSError:
        return
    drain_until_closed(conn, 5)


def handle_tls_stall(conn, _):
    conn.settimeout(5)
    conn.recv(65536)  # the ClientHello
    conn.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16384 bytes, none of which follow
    drain_until_closed(conn, CONNECTION_LIMIT_SECONDS)


def tls_bigchain_handler(chain, key):
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key)

    def handle(conn, _):
        conn.settimeout(10)
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(65536)
        except (OSError, ssl.SSLError):
            return
    return handle


UDP_REPLIES = {
    "udp_echo": lambda d: d,
    "udp_badecho": lambda d: alter(d) if d else b"?",
    "udp_big": lambda d: b"B" * 60000,
    "udp_nasty": lambda d: NASTY,
}


def udp_loop(sock, reply):
    while True:
        try:
            data, peer = sock.recvfrom(65536)
            sock.sendto(reply(data), peer)
        except OSError:
            continue


counter_lock = threading.Lock()
counter = [0]


def handle_recorder(conn, record_dir):
    conn.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < 65536:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    if record_dir:
        with counter_lock:
            counter[0] += 1
            n = counter[0]
        path = os.path.join(record_dir, f"request-{os.getpid()}-{n:04d}")
        partial = os.path.join(record_dir, f".partial-{os.getpid()}-{n:04d}")
        with open(partial, "wb") as f:
            f.write(data)
        os.rename(partial, path)
    body = b"ok\n"
    try:
        conn.sendall(b"HTTP/1.1 200 OK\r\nServer: " + RECORDER_SERVER.encode() +
                     b"\r\nContent-Type: text/plain\r\nContent-Length: " + str(len(body)).encode() +
                     b"\r\nConnection: close\r\n\r\n" + body)
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        return
    drain_until_closed(conn, 5)


HANDLERS = {
    "banner": handle_banner,
    "slowbanner": handle_slowbanner,
    "chargen": handle_chargen,
    "flood": handle_flood,
    "reset": handle_reset,
    "trickle": handle_trickle,
    "nasty": handle_nasty,
    "recorder": handle_recorder,
    "goodecho": handle_goodecho,
    "badecho": handle_badecho,
    "halfecho": handle_halfecho,
    "extraecho": handle_extraecho,
    "letters": handle_letters,
    "status999": handle_status999,
    "nuls": handle_nuls,
    "headers10k": handle_headers10k,
    "tls_stall": handle_tls_stall,
}


def guarded(handler, conn, extra):
    try:
        handler(conn, extra)
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def accept_loop(listener, handler, extra):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=guarded, args=(handler, conn, extra), daemon=True).start()


def silent_loop(listeners, peak_file=None):
    """One thread serves every silent listener: accept, read and discard, never write; counts the
    connections open at once into peak_file when given."""
    sel = selectors.DefaultSelector()
    for listener in listeners:
        listener.setblocking(False)
        sel.register(listener, selectors.EVENT_READ, "listener")
    opened = {}
    peak = 0
    while True:
        # Ends before starts: a client closes one connection before it opens the next.
        for key, _ in sorted(sel.select(timeout=0.5), key=lambda event: event[0].data == "listener"):
            if key.data == "listener":
                try:
                    conn, _ = key.fileobj.accept()
                except OSError:
                    continue
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "conn")
                opened[conn] = time.monotonic()
                if peak_file and len(opened) > peak:
                    peak = len(opened)
                    with open(peak_file + ".new", "w") as f:
                        f.write(f"{peak}\n")
                    os.replace(peak_file + ".new", peak_file)
            else:
                conn = key.fileobj
                try:
                    data = conn.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(conn)
                    opened.pop(conn, None)
                    conn.close()
        now = time.monotonic()
        for conn, since in list(opened.items()):
            if now - since > CONNECTION_LIMIT_SECONDS:
                sel.unregister(conn)
                del opened[conn]
                conn.close()


def spread_accept_loop(listeners):
    """One thread accepts on every spread listener; each connection gets its handler's thread."""
    sel = selectors.DefaultSelector()
    for listener, handler in listeners:
        listener.setblocking(False)
        sel.register(listener, selectors.EVENT_READ, handler)
    while True:
        for key, _ in sel.select(timeout=1):
            try:
                conn, _ = key.fileobj.accept()
            except OSError:
                continue
            conn.setblocking(True)
            threading.Thread(target=guarded, args=(key.data, conn, None), daemon=True).start()


def tcp_listener(host, port=0):
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(1024)
    return s


def port_range(text):
    lo, hi = (int(x) for x in text.split("-"))
    if not (0 < lo <= hi < 65536):
        raise argparse.ArgumentTypeError(f"bad range {text}")
    return range(lo, hi + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--lifetime", type=float, default=300, help="exit after this many seconds (default 300)")
    parser.add_argument("--record-dir")
    parser.add_argument("--silent-range", type=port_range)
    parser.add_argument("--blackhole-udp-range", type=port_range)
    parser.add_argument("--tls-chain", nargs=2, metavar=("CHAIN", "KEY"))
    parser.add_argument("--spread", nargs="+", metavar="BASE COPIES BEHAVIOUR")
    parser.add_argument("--silent-peak-file")
    args = parser.parse_args()
    import resource
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host = args.host
    if host not in ("127.0.0.1", "::1") and not host.startswith("127."):
        parser.error("loopback addresses only")

    keep = []  # sockets that must stay open for the server's lifetime
    ports = {"host": host}

    silent = [tcp_listener(host)]
    ports["silent"] = silent[0].getsockname()[1]
    if args.silent_range:
        silent += [tcp_listener(host, p) for p in args.silent_range]

    handlers = dict(HANDLERS)
    if args.tls_chain:
        handlers["tls_bigchain"] = tls_bigchain_handler(*args.tls_chain)
    if args.spread:
        base, copies, names = int(args.spread[0]), int(args.spread[1]), args.spread[2:]
        spread, served = {}, []
        for number, name in enumerate(names):
            spread[name] = base + number
            for port in range(base + number, base + copies * len(names), len(names)):
                listener = tcp_listener(host, port)
                if name == "silent":
                    silent.append(listener)
                else:
                    served.append((listener, handlers[name]))
        ports["spread"] = spread
        threading.Thread(target=spread_accept_loop, args=(served,), daemon=True).start()
    threading.Thread(target=silent_loop, args=(silent, args.silent_peak_file), daemon=True).start()

    for name, handler in HANDLERS.items():
        listener = tcp_listener(host)
        keep.append(listener)
        ports[name] = listener.getsockname()[1]
        threading.Thread(target=accept_loop, args=(listener, handler, args.record_dir), daemon=True).start()

    if args.tls_chain:
        listener = tcp_listener(host)
        keep.append(listener)
        ports["tls_bigchain"] = listener.getsockname()[1]
        threading.Thread(target=accept_loop, args=(listener, handlers["tls_bigchain"], None),
                         daemon=True).start()

    for name, reply in UDP_REPLIES.items():
        sock = socket.socket(family_of(host), socket.SOCK_DGRAM)
        sock.bind((host, 0))
        keep.append(sock)
        ports[name] = sock.getsockname()[1]
        threading.Thread(target=udp_loop, args=(sock, reply), daemon=True).start()

    closed_tcp = socket.socket(family_of(host), socket.SOCK_STREAM)
    closed_tcp.bind((host, 0))  # bound, never listening: connect gets RST, and nobody else can take it
    keep.append(closed_tcp)
    ports["closed_tcp"] = closed_tcp.getsockname()[1]

    with socket.socket(family_of(host), socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        ports["closed_udp"] = s.getsockname()[1]

    blackhole = socket.socket(family_of(host), socket.SOCK_DGRAM)
    blackhole.bind((host, 0))
    keep.append(blackhole)
    ports["blackhole_udp"] = blackhole.getsockname()[1]
    if args.blackhole_udp_range:
        for p in args.blackhole_udp_range:
            s = socket.socket(family_of(host), socket.SOCK_DGRAM)
            s.bind((host, p))
            keep.append(s)

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(json.dumps(ports), flush=True)

    # Run until stdin closes (the test went away) or the lifetime ends.
    def watch_stdin():
        try:
            sys.stdin.read()
        finally:
            os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    time.sleep(args.lifetime)
    os._exit(0)


if __name__ == "__main__":
    main()
