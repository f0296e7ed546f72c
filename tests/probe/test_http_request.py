#!/usr/bin/python3
"""--http-path and --http-host: the request line and the Host header that a real HTTP server (python's
http.server, request_logger.py) receives are exactly those asked for; bad values are usage errors that
send nothing. Runs inside a private network namespace (unshare -n, needs root).
Usage: test_http_request.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
LOGGER = os.path.join(pc.HERE, "request_logger.py")


def logged(path, count, seconds=5):
    """The records of the log once it holds `count` of them (or what it holds after `seconds`)."""
    deadline = time.monotonic() + seconds
    for _ in range(1000):  # 50 s at most, and `seconds` before that
        with open(path) as log:
            records = [json.loads(line) for line in log if line.strip()]
        if len(records) >= count or time.monotonic() >= deadline:
            return records
        time.sleep(0.05)
    return records


def main():
    suite = pc.Suite("probe.http_request")
    with tempfile.TemporaryDirectory(prefix="portent-http-request-") as tmp:
        log = os.path.join(tmp, "requests.jsonl")
        open(log, "w").close()
        with pc.background([pc.PYTHON, LOGGER, "127.0.0.1", log], ready_line=True) as (_, line):
            port = json.loads(line)["port"]
            if not pc.wait_for_tcp("127.0.0.1", port):
                pc.die(f"the request logger did not start on 127.0.0.1 port {port}")
            # wait_for_tcp's connect sends no request: the log stays empty.

            def probe(*options):
                before = len(logged(log, 0, seconds=0))
                run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "http", *options,
                              "--timeout", "3s", "--format", "json"], timeout=30)
                (r,) = pc.parse_json_run(suite, run, expect_count=1)
                suite.check(r["state"] == "open" and r["verdict"] == "passed",
                            f"state/verdict {r['state']}/{r['verdict']}, expected open/passed", run.describe())
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
                records = logged(log, before + 1)
                suite.require(len(records) == before + 1, f"the server logged {len(records) - before} requests, "
                              "expected 1", run.describe())
                return records[-1]

            cases = [
                ("defaults: GET / and the target's address with its port", (),
                 "GET / HTTP/1.1", f"127.0.0.1:{port}"),
                ("--http-path with a query", ("--http-path", "/status?full=1&x=%20y"),
                 "GET /status?full=1&x=%20y HTTP/1.1", f"127.0.0.1:{port}"),
                ("--http-host alone: the Host header as given, no port added", ("--http-host", "example.test"),
                 "GET / HTTP/1.1", "example.test"),
                ("both, --opt=value form", (f"--http-host=vhost.example.test:{port}", "--http-path=/a/b.html"),
                 "GET /a/b.html HTTP/1.1", f"vhost.example.test:{port}"),
                ("an IPv6 literal as the Host", ("--http-host", "[::1]:8080", "--http-path", "/"),
                 "GET / HTTP/1.1", "[::1]:8080"),
            ]
            for name, options, request_line, host in cases:
                with suite.case(name):
                    record = probe(*options)
                    suite.check(record["request_line"] == request_line,
                                f"request line {record['request_line']!r}, expected {request_line!r}")
                    suite.check(record["host"] == [host], f"Host headers {record['host']!r}, expected [{host!r}]")

            usage_errors = [
                ("--http-path", "index.html", "must start with /"),
                ("--http-path", "", "must start with /"),
                ("--http-path", "/a b", "space"),
                ("--http-path", "/a\r\nX-Injected: 1", "control character"),
                ("--http-path", "/a#top", "fragment"),
                ("--http-path", "/caf\u00e9", "not ASCII"),
                ("--http-host", "", "empty"),
                ("--http-host", "a\r\nX-Injected: 1", "Host header"),
                ("--http-host", "a b", "Host header"),
                ("--http-host", "a/b", "Host header"),
            ]
            for option, value, why in usage_errors:
                with suite.case(f"{option} {value!r}: a one-line usage error, exit 1, nothing sent"):
                    before = len(logged(log, 0, seconds=0))
                    run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "http", option, value,
                                  "--timeout", "1s"], timeout=30)
                    lines = run.stderr_lines()
                    suite.check(run.rc == 1, f"exit code {run.rc}, expected 1", run.describe())
                    suite.check(run.out == b"", "stdout is not empty", run.describe())
                    suite.check(len(lines) == 1 and lines[0].startswith(f"portent: {option}: ") and why in lines[0],
                                f"expected one line 'portent: {option}: …{why}…'", run.describe())
                    suite.check(not pc.has_raw_control_bytes(run.err), "raw control bytes on stderr", run.describe())
                    time.sleep(0.2)
                    suite.check(len(logged(log, 0, seconds=0)) == before, "a request reached the server",
                                run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
