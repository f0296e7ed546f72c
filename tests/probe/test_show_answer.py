#!/usr/bin/python3
"""--show-answer: every byte portent read from a target, under its row in a table (made visible) and in
JSON's `received` (with `received_base64` when the bytes are not UTF-8), against real servers in a
private network namespace: python's http.server, xinetd's daytime over TCP and UDP, and misbehaving
servers (hostile_server.py) for the 4 KiB cap, control characters and bytes that are not UTF-8.
Usage: test_show_answer.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import base64  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402

import daemons  # noqa: E402
import hostile_server  # noqa: E402
import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()

GUTTER = "  | "
CLOCK = re.compile(r"\d{1,2}:\d{2}:\d{2}")


def probe_json(suite, args, fmt="json", timeout="2s"):
    run = pc.run([PORTENT, "probe", "127.0.0.1", *args, "--show-answer", "--timeout", timeout, "--format", fmt],
                 timeout=30)
    if fmt == "jsonl":
        results = [json.loads(line) for line in run.out.decode().splitlines()]
        suite.check(not pc.validate_results(results, pc.SHOW_ANSWER_KEYS), "jsonl objects do not match the schema",
                    run.describe())
        return run, results
    return run, pc.parse_json_run(suite, run, extra_keys=pc.SHOW_ANSWER_KEYS)


def received_bytes(result):
    """The exact bytes a result carries: received_base64 when set, else received."""
    if result["received_base64"] is not None:
        return base64.b64decode(result["received_base64"], validate=True)
    return result["received"].encode("utf-8")


def table_answer(run, target):
    """The gutter lines under the row of `target` in a table, without the gutter."""
    lines = run.out.decode("utf-8").splitlines()
    rows = [i for i, line in enumerate(lines) if line.startswith(target + " ")]
    if len(rows) != 1:
        return None
    found = []
    for line in lines[rows[0] + 1:]:
        if not line.startswith(GUTTER):
            break
        found.append(line[len(GUTTER):])
    return found


def escaped_lines(data):
    """What the table should show for `data` (ASCII): a line after each newline, CR and LF as \\r and \\n."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return [line.decode("ascii").replace("\r", "\\r").replace("\n", "\\n") for line in lines]


def reference_http(port):
    """http.client's view of the same server: status line and header fields (Date left out)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        status = f"HTTP/{response.version // 10}.{response.version % 10} {response.status} {response.reason}"
        return status, [(name, value) for name, value in response.getheaders() if name.lower() != "date"]
    finally:
        conn.close()


def header_fields(head):
    return [tuple(part.strip() for part in line.split(":", 1)) for line in head.split("\r\n")[1:]
            if line and not line.lower().startswith("date:")]


def check_http(suite, port):
    status, fields = reference_http(port)
    with suite.case("http.server: received holds the status line and every header field, as sent"):
        run, (r,) = probe_json(suite, [str(port), "--as", "http"])
        suite.check(r["state"] == "open" and r["verdict"] == "passed", "not open/passed", repr(r))
        suite.check(r["received_base64"] is None, "received_base64 set for an ASCII answer", repr(r))
        data = received_bytes(r)
        suite.require(b"\r\n\r\n" in data, "received does not hold a whole header section", repr(r))
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        suite.check(head.split("\r\n")[0] == status, f"status line {head.split(chr(13))[0]!r}, http.client: "
                    f"{status!r}", repr(r))
        suite.check(header_fields(head) == fields, f"header fields {header_fields(head)} differ from http.client's "
                    f"{fields}", repr(r))
        suite.check(r["answer"] == status, "answer is no longer the status line alone", repr(r))
        suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())

    with suite.case("http.server: the table shows the same lines under the row, \\r\\n made visible"):
        run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "http", "--show-answer"], timeout=30)
        shown = table_answer(run, f"127.0.0.1:{port}/tcp")
        suite.require(shown, "no lines under the row", run.describe())
        suite.check(shown[0] == status + "\\r\\n", f"first line {shown[0]!r}, expected {status + chr(92) + 'r'!r}",
                    run.describe())
        for name, value in fields:
            suite.check(f"{name}: {value}\\r\\n" in shown, f"header {name}: {value} not shown", run.describe())
        suite.check("\\r\\n" in shown, "the empty line that ends the header section is not shown", run.describe())
        suite.check(not pc.has_raw_control_bytes(run.out), "raw control bytes in the table", run.describe())

    with suite.case("without --show-answer: no lines under the row, no received in JSON"):
        run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "http"], timeout=30)
        suite.check(table_answer(run, f"127.0.0.1:{port}/tcp") == [], "lines under the row", run.describe())
        run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "http", "--format", "json"], timeout=30)
        pc.parse_json_run(suite, run, expect_count=1)


def check_daytime(suite):
    for protocol in ("tcp", "udp"):
        with suite.case(f"xinetd daytime over {protocol}: received is the whole answer, CR LF included"):
            if protocol == "tcp":
                with socket.create_connection(("127.0.0.1", 13), timeout=5) as s:
                    reference = b""
                    for _ in range(100):
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        reference += chunk
            else:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.settimeout(5)
                    s.sendto(b"\n", ("127.0.0.1", 13))
                    reference = s.recv(4096)
            run, results = probe_json(suite, [f"13/{protocol}", "--as", "daytime"], fmt="jsonl")
            suite.require(len(results) == 1, f"{len(results)} results", run.describe())
            r = results[0]
            suite.check(r["state"] == "open" and r["verdict"] == "passed", "not open/passed", repr(r))
            data = received_bytes(r)
            # The clock may tick between the reference and portent's own request.
            suite.check(CLOCK.sub("HH:MM:SS", data.decode("latin-1")) ==
                        CLOCK.sub("HH:MM:SS", reference.decode("latin-1")),
                        f"received {data!r}, the server sent {reference!r} to a client of its own", repr(r))
            run = pc.run([PORTENT, "probe", "127.0.0.1", f"13/{protocol}", "--as", "daytime", "--show-answer"],
                         timeout=30)
            shown = table_answer(run, f"127.0.0.1:13/{protocol}")
            suite.check(shown is not None and len(shown) == 1 and
                        CLOCK.sub("HH:MM:SS", shown[0]) == CLOCK.sub("HH:MM:SS", escaped_lines(reference)[0]),
                        f"the table shows {shown!r}", run.describe())


def check_hostile(suite, ports):
    with suite.case("a server that never stops talking: received stops at the 4 KiB cap"):
        run, (r,) = probe_json(suite, [str(ports["flood"]), "--as", "banner"])
        data = received_bytes(r)
        suite.check(data == b"A" * 4096, f"received {len(data)} bytes ({data[:20]!r}…), expected 4096 × 'A'", repr(r))

    with suite.case("control characters and bytes that are not UTF-8: exact in received_base64, escaped in a table"):
        run, (r,) = probe_json(suite, [str(ports["nasty"]), "--as", "banner"])
        suite.check(r["received_base64"] is not None and received_bytes(r) == hostile_server.NASTY,
                    f"received_base64 does not hold the {len(hostile_server.NASTY)} bytes sent", repr(r))
        suite.check(r["received"] == hostile_server.NASTY.decode("utf-8", "replace"),
                    "received is not the text with U+FFFD for each byte that is not UTF-8", repr(r))
        run = pc.run([PORTENT, "probe", "127.0.0.1", str(ports["nasty"]), "--as", "banner", "--show-answer"],
                     timeout=30)
        found = pc.has_raw_control_bytes(run.out)
        suite.check(not found, f"raw control bytes in the table: {found}", run.describe())
        shown = table_answer(run, f"127.0.0.1:{ports['nasty']}/tcp")
        suite.check(shown is not None and any("\\e[2J" in line and "\\x9b" in line for line in shown),
                    "ESC and the lone C1 byte are not shown as escapes", run.describe())

    with suite.case("a silent UDP port: nothing received, nothing under the row"):
        run, (r,) = probe_json(suite, [f"{ports['blackhole_udp']}/udp"], timeout="300ms")
        suite.check(r["state"] == "open|filtered" and r["received"] == "" and r["received_base64"] is None,
                    "expected open|filtered and nothing received", repr(r))


def main():
    suite = pc.Suite("probe.show_answer")
    if shutil.which("xinetd") is None:
        pc.skip("xinetd is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="portent-show-answer-") as tmp:
        www = pc.web_root(tmp, "<html><body>portent --show-answer</body></html>\n")
        xinetd = daemons.xinetd(tmp, [("daytime", "stream", "tcp"), ("daytime", "dgram", "udp")])
        port = pc.free_port("127.0.0.1")
        with pc.background(pc.http_server("127.0.0.1", port, www), quiet=True), pc.background(xinetd), \
                pc.hostile_server("--host", "127.0.0.1") as ports:
            if not pc.wait_for_tcp("127.0.0.1", port):
                pc.skip(f"python's http.server did not start on 127.0.0.1 port {port}")
            if not pc.wait_for_tcp("127.0.0.1", 13):
                pc.skip("xinetd did not start its daytime service on 127.0.0.1:13")
            check_http(suite, port)
            check_daytime(suite)
            check_hostile(suite, ports)
    suite.finish()


if __name__ == "__main__":
    main()
