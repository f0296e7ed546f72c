#!/usr/bin/python3
"""Deadlines and round trips of `portent probe`: a literal address never waits for the resolver, even with a
deadline below a millisecond; --timeout refuses zero saying it must be positive, and --help names every unit it
takes; a round trip is the network's, not time spent in portent's own queue, and never above the deadline.
Runs in a private network namespace (unshare -n, needs root). Usage: test_deadlines.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import collections  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()


def timeout_help():
    """The --timeout paragraph of `portent probe --help`, on one line."""
    run = pc.run([PORTENT, "probe", "--help"], timeout=30)
    text = run.out.decode("utf-8", "replace")
    match = re.search(r"--timeout[^\n]*\n((?: {10,}[^\n]*\n)*)", text)
    return " ".join((match.group(0) if match else "").split()), run


def main():
    suite = pc.Suite("probe.deadlines")
    with pc.hostile_server("--host", "127.0.0.1") as ports, pc.hostile_server("--host", "::1") as ports6:
        with suite.case("a literal address never goes through the resolver, even with --timeout 1us or 500us"):
            for host, port in (("127.0.0.1", ports["silent"]), ("127.1", ports["silent"]), ("::1", ports6["silent"]),
                               ("[::1]", ports6["silent"])):
                for timeout, states in (("1us", ("open", "filtered")), ("500us", ("open",))):
                    for _ in range(5):
                        run = pc.run([PORTENT, "probe", "--timeout", timeout, host, f"{port}/tcp", "--format", "json"],
                                     timeout=30)
                        (r,) = pc.parse_json_run(suite, run, expect_count=1)
                        if not suite.check(r["state"] in states and "resolver" not in (r["detail"] or ""),
                                           f"{host} with --timeout {timeout}: expected {' or '.join(states)}, not "
                                           "a resolver failure", run.describe()):
                            break

        with suite.case("--timeout 0 says the value must be positive"):
            for value in ("0", "0s", "0.0ms", "-1s"):
                run = pc.run([PORTENT, "probe", f"--timeout={value}", "127.0.0.1", f"{ports['closed_tcp']}/tcp"],
                             timeout=30)
                lines = run.stderr_lines()
                suite.check(run.rc == 1 and len(lines) == 1 and "must be positive" in lines[0] and not run.out,
                            f"--timeout {value}: expected exit 1 and one line saying it must be positive",
                            run.describe())

        with suite.case("every --timeout unit portent takes is named in --help"):
            text, help_run = timeout_help()
            suite.require(text != "", "no --timeout paragraph in probe --help", help_run.describe())
            for value, unit in (("1us", "us"), ("1ms", "ms"), ("1s", "s"), ("1m", "m"), ("1h", "h"), ("1", None),
                                ("1ns", "ns"), ("1d", "d"), ("1min", "min"), ("1sec", "sec"), ("1hr", "hr"),
                                ("1µs", "µs")):
                run = pc.run([PORTENT, "probe", f"--timeout={value}", "127.0.0.1", f"{ports['closed_tcp']}/tcp",
                              "--format", "json"], timeout=30)
                accepted = run.rc != 1
                documented = ("bare number" in text) if unit is None else \
                    re.search(rf"(?<![\w.]){re.escape(unit)}(?![\w])", text) is not None
                suite.check(accepted == documented, f"--timeout {value}: {'accepted' if accepted else 'refused'} but "
                            f"{'named' if documented else 'not named'} in --help ({text!r})", run.describe())

        with suite.case("UDP round trips inside a 1-65535/udp run are the network's, never above the deadline"):
            alone = []
            for _ in range(3):
                run = pc.run([PORTENT, "probe", "127.0.0.1", f"{ports['udp_echo']}/udp", "--timeout", "1s",
                              "--format", "json"], timeout=30)
                (r,) = pc.parse_json_run(suite, run, expect_count=1)
                suite.require(r["state"] == "open" and r["rtt_ms"] is not None, "the UDP echo server does not "
                              "answer a probe of its port alone", run.describe())
                alone.append(r["rtt_ms"])
            run = pc.run([PORTENT, "probe", "127.0.0.1", "1-65535/udp", "--timeout", "100ms", "--format", "json"],
                         timeout=120)
            results = pc.parse_json_run(suite, run, expect_count=65535)
            echo = pc.find(results, ports["udp_echo"], "udp")
            suite.require(echo is not None and echo["state"] == "open", "the UDP echo server is not open in the run",
                          repr(echo))
            # Inside the run, portent's queue holds thousands of results at a time (tens to hundreds of ms); the
            # margin is for the echo server itself being slower on a loaded machine.
            limit = 10 * min(alone) + 20
            suite.check(echo["rtt_ms"] <= limit, f"its round trip inside the run is {echo['rtt_ms']} ms, alone "
                        f"{alone} ms (limit {limit:.1f} ms): time in portent's queue was counted", repr(echo))
            over = [r for r in results if r["rtt_ms"] is not None and r["rtt_ms"] > 100]
            suite.check(not over, f"{len(over)} round trips above the 100 ms deadline", "\n".join(map(repr, over[:5])))
            closed = [r["rtt_ms"] for r in results if r["state"] == "closed" and r["rtt_ms"] is not None]
            suite.check(closed and statistics.median(closed) < 5,
                        f"median round trip of {len(closed)} refused ports: "
                        f"{statistics.median(closed) if closed else None} ms, expected under 5 ms on loopback")
            bound = {ports[name] for name in ("udp_echo", "udp_badecho", "udp_big", "udp_nasty", "blackhole_udp")}
            # On a loaded machine the kernel may hand its own packet processing to ksoftirqd, and an ICMP error
            # can then reach the socket after the deadline: a few such ports, not thousands.
            filtered = [r for r in results if r["state"] == "open|filtered" and r["port"] not in bound]
            suite.check(len(filtered) <= 10, f"{len(filtered)} ports with nothing bound reported open|filtered: their "
                        "ICMP errors came before the deadline", "\n".join(map(repr, filtered[:5])))
            suite.note(f"alone {alone} ms, in the run {echo['rtt_ms']} ms; states "
                       f"{dict(collections.Counter(r['state'] for r in results))}; wall {run.elapsed:.1f} s")
    suite.finish()


if __name__ == "__main__":
    main()
