#!/usr/bin/python3
"""portent probe exit codes: 0 every target answered and passed, 2 some did not, 1 usage error
(one line on stderr, nothing probed). Runs in a private network namespace (unshare -n, needs root).
Usage: test_exit_codes.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import tempfile  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()


def main():
    suite = pc.Suite("probe.exit_codes")
    with tempfile.TemporaryDirectory(prefix="portent-probe-exit-") as tmp:
        http_port = pc.free_port("127.0.0.1")
        server = pc.http_server("127.0.0.1", http_port, pc.web_root(tmp, "ok\n"))
        with pc.background(server, quiet=True), pc.hostile_server("--host", "127.0.0.1") as ports:
            if not pc.wait_for_tcp("127.0.0.1", http_port):
                pc.die("python http.server did not start")
            http = str(http_port)

            with suite.case("every target open and passed -> 0"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", http, str(ports["recorder"]), "--as", "http",
                              "--format", "json"])
                results = pc.parse_json_run(suite, run, expect_count=2)
                suite.check(all(r["state"] == "open" and r["verdict"] == "passed" for r in results),
                            "expected both targets open and passed", run.describe())
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())

            with suite.case("same, table output -> 0"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", http, "--as", "http"])
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
                suite.check(run.out.strip() != b"", "no output", run.describe())

            with suite.case("one target closed -> 2"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", http, str(ports["closed_tcp"]), "--as", "http",
                              "--format", "json"])
                results = pc.parse_json_run(suite, run, expect_count=2)
                ok = pc.find(results, http_port, "tcp")
                closed = pc.find(results, ports["closed_tcp"], "tcp")
                suite.check(ok is not None and (ok["state"], ok["verdict"]) == ("open", "passed"),
                            "the HTTP target should still be open/passed", repr(ok))
                suite.check(closed is not None and closed["state"] == "closed", "the closed port should be closed",
                            repr(closed))
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

            with suite.case("one target open but failing its dialogue -> 2"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", http, str(ports["banner"]), "--as", "http",
                              "--format", "json"])
                results = pc.parse_json_run(suite, run, expect_count=2)
                pc.check_exit_code_matches(suite, run, results)
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

            with suite.case("--open shows only the targets that answered"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", http, str(ports["closed_tcp"]), "--as", "http",
                              "--open", "--format", "json"])
                results = pc.parse_json_run(suite, run, expect_count=1)
                suite.check(results[0]["port"] == http_port and results[0]["state"] == "open",
                            "expected only the open HTTP target", run.describe())
                # The exit status counts every target, shown or not: the closed one did not answer.
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2 (a hidden target still did not answer)",
                            run.describe())

            with suite.case("--open with every target open and passed -> 0"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", http, "--as", "http", "--open", "--format", "json"])
                results = pc.parse_json_run(suite, run, expect_count=1)
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())

            with suite.case("open|filtered UDP target (no reply) -> 2"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", f"{ports['blackhole_udp']}/udp", "--timeout", "500ms"])
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

            usage_errors = [
                ("no HOST, no QUERY", ["probe"]),
                ("no QUERY", ["probe", "127.0.0.1"]),
                ("unknown option", ["probe", "127.0.0.1", http, "--no-such-option"]),
                ("--timeout banana", ["probe", "127.0.0.1", http, "--timeout", "banana"]),
                ("--timeout 5parsecs", ["probe", "127.0.0.1", http, "--timeout", "5parsecs"]),
                ("--timeout without a value", ["probe", "127.0.0.1", http, "--timeout"]),
                ("--parallel banana", ["probe", "127.0.0.1", http, "--parallel", "banana"]),
                ("--format xml", ["probe", "127.0.0.1", http, "--format", "xml"]),
                ("--as no-such-dialogue", ["probe", "127.0.0.1", http, "--as", "no-such-dialogue"]),
                ("port out of range", ["probe", "127.0.0.1", "70000/tcp"]),
            ]
            for name, args in usage_errors:
                with suite.case(f"usage error: {name} -> 1"):
                    run = pc.run([PORTENT, *args], timeout=30)
                    lines = run.stderr_lines()
                    suite.check(run.rc == 1, f"exit code {run.rc}, expected 1", run.describe())
                    suite.check(len(lines) == 1 and lines[0].strip() != "",
                                f"stderr has {len(lines)} lines, expected exactly one", run.describe())
                    suite.check(run.out == b"", "something was written to stdout for a usage error", run.describe())
                    suite.check(run.elapsed < 2.0, f"a usage error took {run.elapsed:.2f} s (was something probed?)",
                                run.describe())

            with suite.case("probe --help -> 0"):
                run = pc.run([PORTENT, "probe", "--help"], timeout=30)
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
                for option in ("--as", "--timeout", "--parallel", "--open", "--format"):
                    suite.check(option.encode() in run.out, f"probe --help does not mention {option}", run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
