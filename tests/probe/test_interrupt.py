#!/usr/bin/python3
"""Ctrl-C keeps what was learnt: on SIGINT or SIGTERM `portent probe` starts no more targets, writes every
finished result (the rest marked interrupted in JSON, left out of a table with a one-line count on stderr),
ends its progress line with a newline and exits 130 (143). Runs in a private network namespace (unshare -n,
needs root). Usage: test_interrupt.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import collections  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()


def interrupted_run(argv, after, number=signal.SIGINT, stderr_terminal=False, timeout=30):
    """Runs argv, sends `number` `after` seconds in; returns (Run, seconds from the signal to the exit)."""
    return pc.run_on_terminal(argv, timeout=timeout, stderr_terminal=stderr_terminal, signal_after=after,
                              number=number)


def main():
    suite = pc.Suite("probe.interrupt")
    with pc.hostile_server("--host", "127.0.0.1") as ports:
        targets = ["127.0.0.1", str(ports["banner"]), f"{ports['blackhole_udp']}/udp", "--as", "banner",
                   "--timeout", "10s"]

        with suite.case("SIGINT, json: the finished result, the rest marked interrupted, exit 130"):
            run, took = interrupted_run([PORTENT, "probe", *targets, "--format", "json"], after=1)
            suite.check(run.rc == 130, f"exit code {run.rc}, expected 130", run.describe())
            suite.check(took is not None and took < 2, f"ended {took} s after the signal", run.describe())
            results = pc.parse_json_run(suite, run, expect_count=2)
            banner = pc.find(results, ports["banner"], "tcp")
            held = pc.find(results, ports["blackhole_udp"], "udp")
            suite.check(banner is not None and (banner["state"], banner["verdict"]) == ("open", "passed"),
                        "the banner target, finished before the signal, is not there as it was", run.describe())
            suite.check(held is not None and held["state"] == "interrupted", "the unfinished target is not "
                        "marked interrupted", run.describe())
            lines = run.stderr_lines()
            suite.check(len(lines) == 1 and "interrupted" in lines[0] and "1 of 2" in lines[0],
                        "expected one line on stderr counting 1 of 2 targets unfinished", run.describe())

        with suite.case("SIGINT, table: the finished rows, a count on stderr, exit 130"):
            run, _ = interrupted_run([PORTENT, "probe", *targets, "--format", "table"], after=1)
            suite.check(run.rc == 130, f"exit code {run.rc}, expected 130", run.describe())
            text = run.out.decode("utf-8", "replace")
            suite.check(f"127.0.0.1:{ports['banner']}/tcp" in text and "passed" in text,
                        "the finished banner row is missing", run.describe())
            suite.check(f":{ports['blackhole_udp']}/udp" not in text, "the unfinished target has a row",
                        run.describe())
            lines = run.stderr_lines()
            suite.check(len(lines) == 1 and re.search(r"\b1 of 2\b", lines[0]) is not None,
                        "expected one line on stderr counting 1 of 2 targets unfinished", run.describe())

        with suite.case("SIGTERM, jsonl: every line whole, the unfinished one marked, exit 143"):
            run, _ = interrupted_run([PORTENT, "probe", *targets, "--format", "jsonl"], after=1,
                                     number=signal.SIGTERM)
            suite.check(run.rc == 143, f"exit code {run.rc}, expected 143", run.describe())
            objects = [json.loads(line) for line in run.out.decode("utf-8").splitlines()]
            suite.check(not pc.validate_results(objects) and sorted(o["state"] for o in objects) ==
                        ["interrupted", "open"], "expected an open and an interrupted result", run.describe())

        with suite.case("SIGINT with a progress line on a terminal: the line ends with a newline"):
            run, _ = interrupted_run([PORTENT, "probe", *targets, "--format", "json"], after=1.6,
                                     stderr_terminal=True)
            suite.check(run.rc == 130, f"exit code {run.rc}, expected 130", run.describe())
            terminal = run.err.decode("utf-8", "replace")
            at = terminal.rfind("probing ")
            suite.require(at >= 0, "no progress line was drawn in 1.6 s", repr(terminal))
            tail = terminal[at:]
            suite.check(re.match(r"probing [^\r\n\x1b]*answered\r?\n", tail) is not None,
                        "the progress line is not ended by a newline", repr(tail))
            pc.parse_json_run(suite, run, expect_count=2)

        with suite.case("the progress line names the one host that --hosts-from gives"):
            with tempfile.NamedTemporaryFile("w", suffix=".hosts") as hosts:
                hosts.write("127.0.0.1\n")
                hosts.flush()
                run, _ = interrupted_run([PORTENT, "probe", "--hosts-from", hosts.name, *targets[1:], "--format",
                                          "json"], after=1.6, stderr_terminal=True)
            terminal = run.err.decode("utf-8", "replace")
            suite.check("probing 127.0.0.1: targets " in terminal, "the progress line does not name the host",
                        repr(terminal))

        with suite.case("SIGINT inside a 1-65535/udp run: one result per target, finished or interrupted"):
            run, took = interrupted_run([PORTENT, "probe", "127.0.0.1", f"{ports['blackhole_udp']}/udp",
                                         "1-65535/udp", "--timeout", "10s", "--format", "json"], after=1)
            suite.check(run.rc == 130, f"exit code {run.rc}, expected 130", run.describe())
            results = pc.parse_json_run(suite, run, expect_count=65535)
            states = collections.Counter(r["state"] for r in results)
            suite.check(states["interrupted"] >= 1 and set(states) <= {"open", "closed", "interrupted"},
                        f"states {dict(states)}")
            count = re.search(r"\b(\d+) of 65535\b", run.err.decode("utf-8", "replace"))
            suite.check(count is not None and int(count.group(1)) == states["interrupted"],
                        f"stderr does not count the {states['interrupted']} interrupted targets", run.describe())
            suite.check(took is not None and took < 5, f"ended {took} s after the signal", run.describe())
            suite.note(f"states {dict(states)}; ended {took:.2f} s after the signal")
    suite.finish()


if __name__ == "__main__":
    main()
