#!/usr/bin/python3
"""A UDP port that stays silent is open|filtered, never open nor plain filtered; a closed UDP port
(ICMP port unreachable) is closed; a TCP connect that gets no answer stays filtered. Real sockets in
a private network namespace: a bound UDP socket that never reads, a UDP port bound then closed, a
TCP listener whose accept queue is full (the kernel drops further SYNs).
Usage: test_udp_silence.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import socket  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()


def probe(args, timeout="500ms"):
    return pc.run([PORTENT, "probe", "127.0.0.1", *args, "--timeout", timeout], timeout=30)


def full_listener():
    """A TCP listener whose accept queue is full: a connect to it gets no SYN-ACK."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(2):  # a backlog of 0 holds one connection; the second waits in SYN-SENT
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    return listener, port, fillers


def main():
    suite = pc.Suite("probe.udp_silence")
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound, never read: no reply, no ICMP
    silent.bind(("127.0.0.1", 0))
    silent_port = silent.getsockname()[1]
    released = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    released.bind(("127.0.0.1", 0))
    closed_port = released.getsockname()[1]
    released.close()
    listener, full_port, fillers = full_listener()
    try:
        with suite.case("a silent UDP listener: open|filtered, no round trip, exit 2"):
            run = probe([f"{silent_port}/udp", "--format", "json"])
            (r,) = pc.parse_json_run(suite, run, expect_count=1)
            suite.check(r["state"] == "open|filtered", f"state {r['state']!r}, expected 'open|filtered'", repr(r))
            suite.check(r["rtt_ms"] is None and r["verdict"] is None, "a round trip or verdict without a reply",
                        repr(r))
            suite.check("no reply" in (r["detail"] or ""), f"detail {r['detail']!r} does not say 'no reply'", repr(r))
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2 (not confirmed open)", run.describe())

        with suite.case("a closed UDP port (ICMP port unreachable): closed"):
            run = probe([f"{closed_port}/udp", "--format", "json"])
            (r,) = pc.parse_json_run(suite, run, expect_count=1)
            suite.check(r["state"] == "closed", f"state {r['state']!r}, expected closed", repr(r))
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

        with suite.case("a TCP connect without an answer stays filtered"):
            run = probe([f"{full_port}/tcp", "--format", "json"])
            (r,) = pc.parse_json_run(suite, run, expect_count=1)
            suite.check(r["state"] == "filtered", f"state {r['state']!r}, expected filtered", repr(r))
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

        with suite.case("the table and JSON lines say open|filtered"):
            run = probe([f"{silent_port}/udp", f"{closed_port}/udp"])
            lines = run.out.decode().splitlines()
            row = [line for line in lines if line.startswith(f"127.0.0.1:{silent_port}/udp")]
            suite.check(len(row) == 1 and row[0].split()[1] == "open|filtered",
                        "the silent port's row does not have state open|filtered", run.describe())
            run = probe([f"{silent_port}/udp", "--format", "jsonl"])
            states = [json.loads(line)["state"] for line in run.out.decode().splitlines()]
            suite.check(states == ["open|filtered"], f"jsonl states {states}", run.describe())

        with suite.case("--open leaves open|filtered out: only confirmed open targets"):
            run = probe([f"{silent_port}/udp", f"{closed_port}/udp", "--open", "--format", "json"])
            results = pc.parse_json_run(suite, run, expect_count=0)
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())
            suite.check(results == [], "open|filtered shown with --open", run.describe())
    finally:
        for s in (silent, listener, *fillers):
            s.close()
    suite.finish()


if __name__ == "__main__":
    main()
