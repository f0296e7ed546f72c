#!/usr/bin/python3
"""--rate, --top and the progress line of `portent probe`: 1,000 targets at --rate 500 take about 2 s (the last
starts 1.998 s after the first; the bound above, 4 s, leaves room for a loaded 2-core machine); --top N takes the
N ports most often open from nmap-services (the test ranks the file itself), TCP or -p udp, combined with queries;
a database without open-frequencies is an error naming --db /usr/share/nmap/nmap-services; on a terminal the
progress line counts hosts and targets, also while a flood of closed ports ends target after target at once. Runs in a private network namespace (unshare -n, needs root).
Usage: test_pace.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import os  # noqa: E402
import re  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()

NMAP_SERVICES = "/usr/share/nmap/nmap-services"
RATE_LOW, RATE_HIGH = 1.9, 4.0


def top_ports(protocol, count):
    """The `count` ports of `protocol` with the highest open-frequency in nmap-services, ties in file order."""
    entries = []
    with open(NMAP_SERVICES, encoding="utf-8", errors="replace") as f:
        for line in f:
            fields = line.split("#", 1)[0].split()
            if len(fields) < 3 or "/" not in fields[1]:
                continue
            port, proto = fields[1].split("/", 1)
            if proto == protocol:
                entries.append((-float(fields[2]), len(entries), int(port)))
    ranked, seen = [], set()
    for _, _, port in sorted(entries):
        if port not in seen:
            seen.add(port)
            ranked.append(port)
    return ranked[:count]


def main():
    suite = pc.Suite("probe.pace")
    if not os.path.exists(NMAP_SERVICES):
        pc.die(f"{NMAP_SERVICES} is missing (scripts/setup.sh installs nmap)")

    with suite.case("--rate 500: 1,000 targets take about 2 s"):
        run = pc.run([PORTENT, "probe", "--rate", "500", "--format", "json", "127.0.9.1-4", "1-250/tcp"], timeout=60)
        results = pc.parse_json_run(suite, run, expect_count=1000)
        suite.check(all(r["state"] == "closed" for r in results), "every target should be closed", run.describe())
        suite.check(RATE_LOW <= run.elapsed <= RATE_HIGH,
                    f"took {run.elapsed:.2f} s, expected {RATE_LOW}-{RATE_HIGH} s", run.describe())
        fast = pc.run([PORTENT, "probe", "--format", "json", "127.0.9.1-4", "1-250/tcp"], timeout=60)
        suite.check(fast.elapsed < RATE_LOW, f"without --rate it took {fast.elapsed:.2f} s", fast.describe())
        suite.note(f"--rate 500: {run.elapsed:.2f} s; no --rate: {fast.elapsed:.2f} s")

    with suite.case("--top N: the N TCP ports most often open, most often first"):
        run = pc.run([PORTENT, "--db", NMAP_SERVICES, "probe", "127.0.9.1", "--top", "20", "--parallel", "1",
                      "--timeout", "300ms", "--format", "json"], timeout=60)
        results = pc.parse_json_run(suite, run, expect_count=20)
        expected = top_ports("tcp", 20)
        suite.check([r["port"] for r in results] == expected and {r["protocol"] for r in results} == {"tcp"},
                    f"ports {[r['port'] for r in results]}, expected {expected}", run.describe())

    with suite.case("--top N -p udp: the N UDP ones; with a QUERY: both, each target once"):
        run = pc.run([PORTENT, "--db", NMAP_SERVICES, "probe", "-p", "udp", "127.0.9.1", "--top", "5",
                      "--timeout", "300ms", "--format", "json"], timeout=60)
        results = pc.parse_json_run(suite, run, expect_count=5)
        suite.check(sorted(r["port"] for r in results) == sorted(top_ports("udp", 5)) and
                    {r["protocol"] for r in results} == {"udp"}, "not the top UDP ports", run.describe())
        first = top_ports("tcp", 1)[0]
        run = pc.run([PORTENT, "--db", NMAP_SERVICES, "probe", "127.0.9.1", "--top", "3", f"{first}/tcp", "31337/tcp",
                      "--timeout", "300ms", "--format", "json"], timeout=60)
        results = pc.parse_json_run(suite, run, expect_count=4)
        suite.check([r["port"] for r in results] == top_ports("tcp", 3) + [31337], "--top and queries",
                    run.describe())

    with suite.case("--top on a database without open-frequencies: the error names the fix"):
        run = pc.run([PORTENT, "--db", "embedded", "probe", "127.0.9.1", "--top", "10"], timeout=30)
        text = run.err.decode("utf-8", "replace")
        suite.check(run.rc == 1 and "--db /usr/share/nmap/nmap-services" in text and run.out == b"",
                    "expected exit 1 and a message naming --db /usr/share/nmap/nmap-services", run.describe())

    with suite.case("progress on a terminal counts hosts and targets"):
        # each target lasts its 100 ms wait, 2.5 s in all
        keep = pc.silent_listeners("127.0.9.9", range(9101, 9111))
        argv = [PORTENT, "probe", "--per-host", "1", "--format", "jsonl", "127.0.9.9,127.0.9.10", "9101-9110/tcp",
                "--rate", "8"]
        shown = pc.run_on_terminal(argv, timeout=30)[0].err
        text = shown.decode("utf-8", "replace")
        lines = re.findall(r"probing hosts (\d+)/2, targets (\d+)/20, (\d+) open, \d+ answered", text)
        suite.check(lines and all(int(t) <= 20 for _, t, _ in lines),
                    "no progress line 'probing hosts N/2, targets N/20, N open, N answered'", repr(text[-600:]))
        for s in keep:
            s.close()

    with suite.case("progress shows during a flood of closed ports, and Ctrl-C ends it"):
        # 64 hosts x 65535 closed ports: targets that end at once, far more than 4 s of them; the
        # run is stopped 4 s in. The progress line must show meanwhile (after its first second).
        argv = [PORTENT, "probe", "127.0.10.1-64", "1-65535/tcp", "--open", "--format", "json"]
        run, took = pc.run_on_terminal(argv, timeout=60, signal_after=4)
        text = run.err.decode("utf-8", "replace")
        lines = re.findall(r"probing hosts (\d+)/64, targets ([\d,]+)/4,194,240, 0 open, 0 answered", text)
        suite.check(len(lines) >= 2, "fewer than two progress lines during the flood", repr(text[-600:]))
        counts = [int(t.replace(",", "")) for _, t in lines]
        suite.check(bool(counts) and counts == sorted(counts) and 0 < counts[-1] < 4_194_240,
                    f"progress counts not rising within the run: {counts[:3]}...{counts[-3:]}", repr(text[-600:]))
        suite.check(run.rc == 130 and took is not None and took < 5,
                    f"expected exit 130 within 5 s of SIGINT, got {run.rc} after {took} s", run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
