#!/usr/bin/python3
"""portent probe against real RFC 867/868/862/864 servers (xinetd internal services).

xinetd serves its internal services only on the standard ports, so the whole test runs inside a
private network namespace (unshare -n, needs root); 127.0.0.1 there is the test's own.
Usage: test_xinetd.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import calendar  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import daemons  # noqa: E402
import hostile_server  # noqa: E402
import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
pc.require_tools("xinetd", "nc")

SERVICES_DB = """\
# a services(5) file of our own, so the test does not depend on the machine's /etc/services
echo            7/tcp
echo            7/udp
chargen         19/tcp          ttytst source
daytime         13/tcp
daytime         13/udp
time            37/tcp          timserver
time            37/udp          timserver
"""


CLOCK = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})")
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})")
MONTHS = {m.upper(): i for i, m in enumerate(["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                               "Sep", "Oct", "Nov", "Dec"]) if m}


def clock_seconds(text):
    m = CLOCK.search(text)
    return None if not m else int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])


def same_daytime(a, b, slack=5):
    """True when two daytime strings are equal apart from the clock having ticked up to `slack` s."""
    a, b = a.strip(), b.strip()
    ta, tb = clock_seconds(a), clock_seconds(b)
    if ta is None or tb is None:
        return a == b
    diff = abs(ta - tb) % 86400
    diff = min(diff, 86400 - diff)
    return CLOCK.sub("HH:MM:SS", a, count=1) == CLOCK.sub("HH:MM:SS", b, count=1) and diff <= slack


def reported_epochs(text):
    """Every UTC timestamp the text shows, as seconds since 1970 (ISO 8601 or '24 Nov 2026 23:07:59')."""
    found = [calendar.timegm((int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6])))
             for m in ISO.finditer(text)]
    for m in re.finditer(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}) (\d{2}):(\d{2}):(\d{2})", text):
        month = MONTHS.get(m[2].upper())
        if month:
            found.append(calendar.timegm((int(m[3]), month, int(m[1]), int(m[4]), int(m[5]), int(m[6]))))
    return found


def nc(args, stdin=b""):
    p = subprocess.run(["nc", *args], input=stdin, capture_output=True, timeout=10)
    return p.stdout


def main():
    suite = pc.Suite("probe.xinetd")
    with tempfile.TemporaryDirectory(prefix="portent-probe-xinetd-") as tmp:
        db = os.path.join(tmp, "services")
        with open(db, "w") as f:
            f.write(SERVICES_DB)
        with pc.background(daemons.xinetd(tmp)):
            for port in (13, 37, 7, 19):
                if not pc.wait_for_tcp("127.0.0.1", port, 10):
                    log = open(os.path.join(tmp, "xinetd.log"), errors="replace").read() \
                        if os.path.exists(os.path.join(tmp, "xinetd.log")) else ""
                    pc.die(f"xinetd did not start listening on 127.0.0.1:{port} within 10 s\n{log}")
            check_json(suite, db)
            check_table(suite, db)
            check_single_udp_port(suite, db)
            check_chargen(suite, db)
            check_generic_tcp(suite, db)
            check_default_database(suite)
    suite.finish()


def check_json(suite, db):
    with suite.case("json: daytime time echo on 127.0.0.1"):
        before = time.time()
        run = pc.run([PORTENT, "--db", db, "probe", "127.0.0.1", "daytime", "time", "echo", "--format", "json"],
                     timeout=30)
        after = time.time()
        nc_daytime_tcp = nc(["-w1", "127.0.0.1", "13"]).decode("ascii", "replace")
        nc_daytime_udp = nc(["-u", "-w1", "127.0.0.1", "13"], b"\n").decode("ascii", "replace")
        nc_time = nc(["-w1", "127.0.0.1", "37"])
        suite.check(run.rc == 0, f"exit code {run.rc}, expected 0 (every target answered and passed)",
                    run.describe())
        suite.check(run.err == b"", "stderr is not empty on a piped run", run.describe())
        results = pc.parse_json_run(suite, run, expect_count=6)
        expected = {(13, "tcp", "daytime"), (13, "udp", "daytime"), (37, "tcp", "time"), (37, "udp", "time"),
                    (7, "tcp", "echo"), (7, "udp", "echo")}
        got = {(r["port"], r["protocol"], r["service"]) for r in results}
        suite.check(got == expected, f"targets {sorted(got)} != {sorted(expected)}", run.describe())
        for r in results:
            name = f"{r['port']}/{r['protocol']}"
            suite.check(r["host"] == "127.0.0.1", f"{name}: host {r['host']!r}")
            suite.check(r["address"] == "127.0.0.1", f"{name}: address {r['address']!r}")
            suite.check(r["dialogue"] == r["service"], f"{name}: dialogue {r['dialogue']!r}, expected "
                        f"{r['service']!r} (the service's own dialogue)")
            suite.check(r["state"] == "open", f"{name}: state {r['state']!r}, expected open", repr(r))
            suite.check(r["verdict"] == "passed", f"{name}: verdict {r['verdict']!r}, expected passed", repr(r))
            suite.check(isinstance(r["rtt_ms"], (int, float)) and 0 <= r["rtt_ms"] < 2000,
                        f"{name}: rtt_ms {r['rtt_ms']!r} not a plausible round-trip time", repr(r))

        for proto, reference in (("tcp", nc_daytime_tcp), ("udp", nc_daytime_udp)):
            r = pc.find(results, 13, proto)
            if r is None:
                continue
            suite.check(reference.strip() != "", f"nc read nothing from daytime/{proto} (harness problem)")
            suite.check(same_daytime(r["answer"], reference),
                        f"daytime/{proto} answer differs from what nc reads from the same server "
                        f"(beyond a few seconds of clock)",
                        f"portent answer: {r['answer']!r}\nnc read:        {reference!r}")

        for proto in ("tcp", "udp"):
            r = pc.find(results, 37, proto)
            if r is None:
                continue
            shown = pc.text_of(r)
            epochs = reported_epochs(shown)
            suite.check(bool(epochs), f"time/{proto}: no UTC date-time found in answer/detail", repr(r))
            if epochs:
                suite.check(any(before - 5 <= e <= after + 5 for e in epochs),
                            f"time/{proto}: reported time is not within 5 s of the local clock "
                            f"(local {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(before))} UTC)", repr(r))
            if len(nc_time) == 4:
                server_epoch = int.from_bytes(nc_time, "big") - 2208988800
                suite.check(any(abs(e - server_epoch) <= 5 for e in epochs),
                            f"time/{proto}: reported time differs from the server's 32-bit seconds "
                            f"read by nc ({server_epoch}) by more than 5 s", repr(r))
            else:
                suite.check(False, f"nc read {len(nc_time)} bytes from time/tcp, expected 4 (harness problem)")
            suite.check("UTC" in shown or re.search(r"\d{2}:\d{2}:\d{2}(\.\d+)?Z", shown) is not None,
                        f"time/{proto}: answer does not say the time is UTC", repr(r))
            suite.check(re.search(r"offset|[+\-\u2212\u00b1] ?\d+(\.\d+)? ?(ms|s)\b", shown, re.I) is not None,
                        f"time/{proto}: answer/detail does not show the offset from the local clock", repr(r))


def check_table(suite, db):
    with suite.case("table: columns, states, no raw control bytes"):
        run = pc.run([PORTENT, "--db", db, "probe", "127.0.0.1", "daytime", "time", "echo", "--format", "table"],
                     timeout=30)
        reference = nc(["-w1", "127.0.0.1", "13"]).decode("ascii", "replace").strip()
        suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
        bad = pc.has_raw_control_bytes(run.out)
        suite.check(bad is None, f"table output contains raw control bytes: {bad}", run.describe())
        text = run.out.decode("utf-8", "replace")
        lines = [line for line in text.splitlines() if line.strip()]
        suite.require(len(lines) >= 7, f"expected a header and 6 rows, got {len(lines)} lines", run.describe())
        header = lines[0].upper()
        for column in ("STATE", "ANSWER"):
            suite.check(column in header, f"header has no {column} column: {lines[0]!r}")
        for port, proto in ((13, "tcp"), (13, "udp"), (37, "tcp"), (37, "udp"), (7, "tcp"), (7, "udp")):
            rows = [line for line in lines[1:] if re.search(rf"(?<!\d){port}/{proto}\b", line)]
            if not suite.check(len(rows) == 1, f"no single row for {port}/{proto}", text):
                continue
            suite.check(re.search(r"\bopen\b", rows[0]) is not None, f"{port}/{proto} row does not say open: "
                        f"{rows[0]!r}")
            if port == 7:
                suite.check("passed" in rows[0], f"echo {proto} row does not show verdict passed: {rows[0]!r}")
            if port == 13:
                date_part = pc.indent(reference)  # for the message
                words = CLOCK.split(reference)[0].strip()  # e.g. "24 NOV 2026"
                suite.check(words in rows[0], f"daytime/{proto} row does not show the answer ({words!r})",
                            f"row: {rows[0]!r}\nnc read:\n{date_part}")


def check_single_udp_port(suite, db):
    with suite.case("13/udp: one port, one protocol"):
        run = pc.run([PORTENT, "--db", db, "probe", "127.0.0.1", "13/udp", "--format", "json"], timeout=30)
        results = pc.parse_json_run(suite, run, expect_count=1)
        r = results[0]
        suite.check((r["port"], r["protocol"], r["dialogue"], r["state"], r["verdict"]) ==
                    (13, "udp", "daytime", "open", "passed"),
                    "13/udp should be one daytime UDP target, open and passed", repr(r))
        suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())


def check_chargen(suite, db):
    with suite.case("chargen/tcp read to EOF: ends by the 4 KiB cap"):
        run = pc.run([PORTENT, "--db", db, "probe", "127.0.0.1", "19/tcp", "--as", "daytime", "--timeout", "5s",
                      "--format", "json"], timeout=30)
        results = pc.parse_json_run(suite, run, expect_count=1)
        r = results[0]
        suite.check(run.elapsed < 2.5, f"took {run.elapsed:.2f} s against chargen with --timeout 5s; the 4 KiB "
                    "cap should end it well before the deadline", run.describe())
        suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r))
        size = len(r["answer"].encode("utf-8"))
        suite.check(0 < size <= 4096, f"answer is {size} bytes, expected 1..4096", repr(r)[:500])


def check_generic_tcp(suite, db):
    with suite.case("chargen 19/tcp, generic: shows what the server sends unasked, and ends quickly"):
        run = pc.run([PORTENT, "--db", db, "probe", "127.0.0.1", "19/tcp", "--timeout", "5s", "--format", "json"],
                     timeout=30)
        (r,) = pc.parse_json_run(suite, run, expect_count=1)
        suite.check((r["state"], r["dialogue"], r["verdict"]) == ("open", "generic", None),
                    "expected open, the generic dialogue, no verdict", repr(r))
        answer = r["answer"].encode("utf-8")
        first_line = next(hostile_server.chargen_stream())  # RFC 864's first line
        suite.check(len(answer) > 0 and (answer.startswith(first_line) or first_line.startswith(answer)),
                    "the answer is not the beginning of chargen's stream", repr(r)[:600])
        suite.check(run.elapsed < 2.5, f"took {run.elapsed:.2f} s with --timeout 5s", run.describe())


def check_default_database(suite):
    # The default database is /etc/services (Debian's lists http as 80/tcp alone), or the embedded one
    # on a machine without it (IANA's: 80/tcp and 80/udp, the UDP one spoken to generically).
    embedded = [(13, "tcp", "daytime", "daytime"), (13, "udp", "daytime", "daytime"), (80, "tcp", "http", "http"),
                (80, "udp", "http", "generic")]
    cases = [(["--db", "embedded"], "the embedded database", embedded)]
    if os.access("/etc/services", os.R_OK):
        cases.append(([], "/etc/services", [t for t in embedded if t[:2] != (80, "udp")]))
    else:
        cases.append(([], "no /etc/services: the embedded database", embedded))
    for database, name, expected in cases:
        with suite.case(f"default database ({name}): `http` and `daytime`"):
            run = pc.run([PORTENT, *database, "probe", "127.0.0.1", "http", "daytime", "--timeout", "1s",
                          "--format", "json"], timeout=30)
            results = pc.parse_json_run(suite, run, expect_count=len(expected))
            got = sorted((r["port"], r["protocol"], r["service"], r["dialogue"]) for r in results)
            suite.check(got == expected, f"targets {got}, expected {expected}", run.describe())
            http = pc.find(results, 80, "tcp")
            suite.check(http is not None and http["state"] == "closed", "nothing listens on 80 here: expected closed",
                        repr(http))


if __name__ == "__main__":
    main()
