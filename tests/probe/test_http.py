#!/usr/bin/python3
"""portent probe --as http against python's http.server on 127.0.0.1 and ::1, compared with http.client;
the request portent writes is checked on a recording server. Usage: test_http.py PORTENT_BINARY

Runs inside a private network namespace (unshare -n, needs root); on machines whose /etc/hosts has no
`::1 localhost`, the `localhost -6` case runs portent in a private mount namespace with its own /etc/hosts.
"""

import sys

sys.dont_write_bytecode = True

import glob  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import hostile_server  # noqa: E402
import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
STATUS_LINE = re.compile(r"^HTTP/1\.[01] (\d{3})\b")


def reference(host, port):
    """What http.client gets from the same server: (status, Server header)."""
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Server")
    finally:
        conn.close()


def localhost_has_ipv6():
    try:
        infos = socket.getaddrinfo("localhost", None, socket.AF_INET6, socket.SOCK_STREAM)
    except socket.gaierror:
        return False
    return any(info[4][0] == "::1" for info in infos)


def main():
    suite = pc.Suite("probe.http")
    with tempfile.TemporaryDirectory(prefix="portent-probe-http-") as tmp:
        www = pc.web_root(tmp, "<html><body>portent probe test</body></html>\n")
        records = os.path.join(tmp, "requests")
        os.mkdir(records)
        hosts = os.path.join(tmp, "hosts")
        with open(hosts, "w") as f:
            f.write("127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n")

        port = pc.free_port("127.0.0.1", also=[("::1", socket.SOCK_STREAM)])
        with pc.background(pc.http_server("127.0.0.1", port, www), quiet=True), \
                pc.background(pc.http_server("::1", port, www), quiet=True), \
                pc.hostile_server("--host", "127.0.0.1", "--record-dir", records) as hostile4, \
                pc.hostile_server("--host", "::1", "--record-dir", records) as hostile6:
            for host in ("127.0.0.1", "::1"):
                if not pc.wait_for_tcp(host, port):
                    pc.die(f"python http.server did not start on {host} port {port}")

            for host, expect_address in (("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("[::1]", "::1")):
                with suite.case(f"http.server on {host}"):
                    status, server = reference(expect_address, port)
                    check_http(suite, [host, str(port)], expect_address, status, server, port)

            with suite.case("localhost -4"):
                status, server = reference("127.0.0.1", port)
                check_http(suite, ["localhost", str(port), "-4"], "127.0.0.1", status, server, port)

            with suite.case("localhost -6"):
                status, server = reference("::1", port)
                prefix = ()
                if not localhost_has_ipv6():
                    # Never skipped: the test runs as root (its private network namespace needs it).
                    suite.require(os.geteuid() == 0, "this machine's localhost has no ::1 and binding our own "
                                  "/etc/hosts needs root")
                    suite.note("this machine's /etc/hosts has no '::1 localhost'; running portent in a private "
                               "mount namespace with /etc/hosts = " + repr(open(hosts).read()))
                    prefix = ("unshare", "-m", "--", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', hosts)
                check_http(suite, ["localhost", str(port), "-6"], "::1", status, server, port, prefix=prefix)

            with suite.case("--as http against a server that is not HTTP (SSH banner)"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", str(hostile4["banner"]), "--as", "http",
                              "--timeout", "2s", "--format", "json"], timeout=30)
                r = pc.parse_json_run(suite, run, expect_count=1)[0]
                suite.check(r["state"] == "open" and r["verdict"] == "failed",
                            f"state/verdict {r['state']}/{r['verdict']}, expected open/failed", run.describe())
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2 (a target did not pass)", run.describe())

            for host, server_host, authority in (
                    ("127.0.0.1", hostile4, f"127.0.0.1:{hostile4['recorder']}"),
                    ("::1", hostile6, f"[::1]:{hostile6['recorder']}"),
                    ("localhost", hostile4, f"localhost:{hostile4['recorder']}")):
                with suite.case(f"the request portent writes (HOST {host})"):
                    check_request(suite, host, server_host["recorder"], authority, records)
    suite.finish()


def check_http(suite, args, expect_address, status, server, port, prefix=()):
    run = pc.run([PORTENT, "probe", *args, "--as", "http", "--format", "json"], prefix=prefix, timeout=30)
    results = pc.parse_json_run(suite, run)
    suite.require(len(results) >= 1, "no results", run.describe())
    suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
    suite.check(run.err == b"", "stderr is not empty on a successful piped run", run.describe())
    for r in results:
        suite.check(r["address"] == expect_address, f"address {r['address']!r}, expected {expect_address!r} only",
                    run.describe())
        suite.check((r["port"], r["protocol"], r["dialogue"]) == (port, "tcp", "http"),
                    f"port/protocol/dialogue {r['port']}/{r['protocol']}/{r['dialogue']}, expected {port}/tcp/http")
        suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r))
        suite.check(r["verdict"] == "passed", f"verdict {r['verdict']!r}, expected passed", repr(r))
        m = STATUS_LINE.match(r["answer"])
        suite.check(m is not None, f"answer {r['answer']!r} is not an HTTP/1.x status line")
        if m:
            suite.check(int(m[1]) == status, f"status {m[1]} differs from http.client's {status}", repr(r))
        if server:
            suite.check(server in pc.text_of(r), f"the Server header {server!r} is not reported", repr(r))


def check_request(suite, host, port, authority, records):
    before = set(glob.glob(os.path.join(records, "request-*")))
    run = pc.run([PORTENT, "probe", host, str(port), "--as", "http", "--format", "json"]
                 + (["-4"] if host == "localhost" else []), timeout=30)
    results = pc.parse_json_run(suite, run, expect_count=1)
    r = results[0]
    suite.check(r["state"] == "open" and r["verdict"] == "passed", f"state/verdict {r['state']}/{r['verdict']}",
                run.describe())
    suite.check(r["answer"].startswith("HTTP/1.1 200"), f"answer {r['answer']!r}, expected 'HTTP/1.1 200 OK'")
    suite.check(hostile_server.RECORDER_SERVER in pc.text_of(r), "the Server header is not reported", repr(r))
    deadline = time.monotonic() + 5
    new = []
    while time.monotonic() < deadline:
        new = sorted(set(glob.glob(os.path.join(records, "request-*"))) - before)
        if new:
            break
        time.sleep(0.05)
    suite.require(len(new) == 1, f"the recording server got {len(new)} requests, expected 1", run.describe())
    raw = open(new[0], "rb").read()
    suite.require(b"\r\n\r\n" in raw, "request head does not end with CRLF CRLF", repr(raw))
    head = raw.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    suite.check(all(b"\n" not in line and b"\r" not in line for line in lines),
                "request has a line not ended by CRLF", repr(raw))
    text = [line.decode("latin-1") for line in lines]
    suite.check(text[0] == "GET / HTTP/1.1", f"request line {text[0]!r}, expected 'GET / HTTP/1.1'", repr(raw))
    headers = {}
    for line in text[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    suite.check(headers.get("host") == [authority], f"Host header {headers.get('host')!r}, expected "
                f"[{authority!r}] (RFC 9112 §3.2: the authority, with the port when not 80)", repr(raw))
    suite.check(len(headers.get("user-agent", [])) == 1 and headers["user-agent"][0] != "",
                "no User-Agent header", repr(raw))
    suite.check([v.lower() for v in headers.get("connection", [])] == ["close"],
                f"Connection header {headers.get('connection')!r}, expected ['close']", repr(raw))


if __name__ == "__main__":
    main()
