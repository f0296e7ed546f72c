#!/usr/bin/python3
"""portent probe bounds: wall time ≈ timeout × ceil(targets/parallel), in-flight sockets bounded by --parallel,
no fd leaks over thousands of targets (run under the common default soft limit of 1024 fds).

Runs inside a private network namespace (unshare -n, needs root) so that whole port ranges on 127.0.0.1
belong to the test. Usage: test_concurrency.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import collections  # noqa: E402
import re  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()

SILENT_TCP = (23000, 23199)      # 200 listeners that accept and never speak
BLACKHOLE_UDP = (20000, 22999)   # 3000 bound UDP sockets that never read
FD_TROUBLE = re.compile(rb"EMFILE|ENFILE|too many open files", re.I)


def states(results):
    return collections.Counter(r["state"] for r in results)


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

        with suite.case("default --parallel: 100 black-holed UDP targets, --timeout 500ms"):
            lo = BLACKHOLE_UDP[0]
            run = pc.run([PORTENT, "probe", "127.0.0.1", f"{lo}-{lo + 99}/udp", "--timeout", "500ms",
                          "--format", "json"], timeout=120)
            results = pc.parse_json_run(suite, run, expect_count=100)
            suite.check(states(results) == {"open|filtered": 100}, f"states {dict(states(results))}")
            suite.note(f"default parallelism: 100 targets × 500 ms took {run.elapsed:.2f} s")
    suite.finish()


if __name__ == "__main__":
    main()
