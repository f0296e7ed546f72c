#!/usr/bin/python3
"""portent probe bounds: wall time ≈ timeout × ceil(targets/parallel), in-flight sockets bounded by --parallel,
no fd leaks over thousands of targets (run under the common default soft limit of 1024 fds).

Runs inside a private network namespace (unshare -n, needs root) so that whole port ranges on 127.0.0.1
belong to the test. Usage: test_concurrency.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import collections  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()

SILENT_TCP = (23000, 23199)      # 200 listeners that accept and never speak
BLACKHOLE_UDP = (20000, 22999)   # 3000 bound UDP sockets that never read
COUNTED_TCP = (24000, 24039)     # silent listeners that count the connections open at once
FD_TROUBLE = re.compile(rb"EMFILE|ENFILE|too many open files", re.I)


def states(results):
    return collections.Counter(r["state"] for r in results)


def peak_in_flight(count, args, timeout):
    """Probes `count` silent listeners of a hostile server of their own (COUNTED_TCP from its start) with
    --as banner and `args`; returns the run and the most connections the listeners held open at once."""
    with tempfile.TemporaryDirectory(prefix="portent-probe-peak-") as tmp:
        peak_file = os.path.join(tmp, "peak")
        span = (COUNTED_TCP[0], COUNTED_TCP[0] + count - 1)
        with pc.hostile_server("--host", "127.0.0.1", "--silent-range", "%d-%d" % span, "--silent-peak-file",
                               peak_file):
            run = pc.run([PORTENT, "probe", "127.0.0.1", "%d-%d/tcp" % span, "--as", "banner", *args, "--format",
                          "json"], timeout=timeout)
            peak = int(open(peak_file).read()) if os.path.exists(peak_file) else 0
    return run, peak


def main():
    suite = pc.Suite("probe.concurrency")
    with pc.hostile_server("--host", "127.0.0.1", "--silent-range", "%d-%d" % SILENT_TCP,
                           "--blackhole-udp-range", "%d-%d" % BLACKHOLE_UDP):
        with suite.case("200 silent TCP targets, --as banner --timeout 500ms --parallel 100"):
            run = pc.run([PORTENT, "probe", "127.0.0.1", "%d-%d/tcp" % SILENT_TCP, "--as", "banner",
                          "--timeout", "500ms", "--parallel", "100", "--format", "json"], timeout=60, sample_fds=True)
            results = pc.parse_json_run(suite, run, expect_count=200)
            suite.check(states(results) == {"open": 200}, f"states {dict(states(results))}, expected 200 open")
            suite.check(run.elapsed < 4.0, f"took {run.elapsed:.2f} s, expected about 0.5 × ceil(200/100) = 1 s "
                        "(limit 4 s)", run.describe())
            suite.check(run.elapsed >= 0.9, f"took {run.elapsed:.2f} s: faster than 0.5 s × ceil(200/100) means "
                        "more than 100 targets were in flight, or the deadline was not waited for", run.describe())
            suite.check(run.max_fds is None or run.max_fds <= 100 + 32,
                        f"{run.max_fds} fds open at once with --parallel 100", run.describe())
            pc.check_exit_code_matches(suite, run, results)
            suite.note(f"wall {run.elapsed:.2f} s, at most {run.max_fds} fds open at once")

        with suite.case("200 black-holed UDP targets, --timeout 500ms --parallel 100"):
            lo = BLACKHOLE_UDP[0]
            run = pc.run([PORTENT, "probe", "127.0.0.1", f"{lo}-{lo + 199}/udp", "--timeout", "500ms",
                          "--parallel", "100", "--format", "json"], timeout=60, sample_fds=True)
            results = pc.parse_json_run(suite, run, expect_count=200)
            suite.check(states(results) == {"open|filtered": 200},
                        f"states {dict(states(results))}, expected 200 open|filtered")
            suite.check(0.9 <= run.elapsed < 4.0, f"took {run.elapsed:.2f} s, expected about 1 s (limits 0.9..4 s)",
                        run.describe())
            suite.check(run.max_fds is None or run.max_fds <= 100 + 32,
                        f"{run.max_fds} fds open at once with --parallel 100", run.describe())
            pc.check_exit_code_matches(suite, run, results)
            suite.note(f"wall {run.elapsed:.2f} s, at most {run.max_fds} fds open at once")

        with suite.case("3000 black-holed UDP targets, --timeout 300ms --parallel 200, fd limit 1024"):
            run = pc.run([PORTENT, "probe", "127.0.0.1", "%d-%d/udp" % BLACKHOLE_UDP, "--timeout", "300ms",
                          "--parallel", "200", "--format", "json"], timeout=120, nofile=1024, sample_fds=True)
            suite.check(not FD_TROUBLE.search(run.out + run.err), "fd exhaustion reported", run.describe())
            results = pc.parse_json_run(suite, run, expect_count=3000)
            counts = states(results)
            suite.check(set(counts) <= {"open|filtered", "closed"}, f"states {dict(counts)}, expected only "
                        "open|filtered/closed", "\n".join(repr(r) for r in results if r["state"] not in
                                                          ("open|filtered", "closed"))[:2000])
            suite.check(run.elapsed < 20, f"took {run.elapsed:.2f} s, expected about 0.3 × 15 = 4.5 s (limit 20 s)",
                        run.describe())
            suite.check(run.max_fds is None or run.max_fds <= 200 + 64,
                        f"{run.max_fds} fds open at once with --parallel 200", run.describe())
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())
            suite.note(f"wall {run.elapsed:.2f} s, at most {run.max_fds} fds open at once")

        with suite.case("3000 closed TCP ports 1-3000 (every dialogue), --timeout 300ms --parallel 200, fd limit 1024"):
            run = pc.run([PORTENT, "probe", "127.0.0.1", "1-3000/tcp", "--timeout", "300ms", "--parallel", "200",
                          "--format", "json"], timeout=120, nofile=1024, sample_fds=True)
            suite.check(not FD_TROUBLE.search(run.out + run.err), "fd exhaustion reported", run.describe())
            results = pc.parse_json_run(suite, run, expect_count=3000)
            counts = states(results)
            suite.check(counts == {"closed": 3000}, f"states {dict(counts)}, expected 3000 closed (nothing listens "
                        "on 1-3000 in this namespace)", "\n".join(repr(r) for r in results
                                                                    if r["state"] != "closed")[:2000])
            suite.check(run.elapsed < 10, f"took {run.elapsed:.2f} s for 3000 refused connects", run.describe())
            suite.check(run.max_fds is None or run.max_fds <= 200 + 64,
                        f"{run.max_fds} fds open at once with --parallel 200", run.describe())
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())
            suite.note(f"wall {run.elapsed:.2f} s, at most {run.max_fds} fds open at once")

    with suite.case("default --parallel: 40 silent TCP targets are all in flight at once"):
        # Each connection is held for the whole 2 s deadline; connecting 40 takes milliseconds. With the
        # default (what the open-file limit allows, far above 40) every one is open at the same time.
        run, peak = peak_in_flight(40, ["--timeout", "2s"], timeout=150)
        results = pc.parse_json_run(suite, run, expect_count=40)
        suite.check(states(results) == {"open": 40}, f"states {dict(states(results))}, expected 40 open")
        suite.check(peak == 40, f"at most {peak} connections were open at once, expected all 40 (the default "
                    "--parallel is what the open-file limit allows)", run.describe())

    with suite.case("--parallel 7: at most 7 silent TCP targets in flight at once"):
        run, peak = peak_in_flight(14, ["--timeout", "1s", "--parallel", "7"], timeout=60)
        results = pc.parse_json_run(suite, run, expect_count=14)
        suite.check(states(results) == {"open": 14}, f"states {dict(states(results))}, expected 14 open")
        suite.check(peak == 7, f"at most {peak} connections were open at once, expected 7", run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
