#!/usr/bin/python3
"""Which targets a QUERY gives `portent probe`: a bare PORT or LO-HI is probed over TCP, and over UDP as
well where the database lists the port for UDP; a NAME over the protocols the database lists for it;
/PROTO, -p and a TCP-only --as narrow. A live TCP service on a port the database lists only for UDP must
be found. Runs in a private network namespace (unshare -n, needs root). Usage: test_targets.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import os  # noqa: E402
import tempfile  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()

HTTP_PORT = 5555
SERVICES_DB = """\
# 5555 is listed for UDP alone, as in netbase's /etc/services
rplay           5555/udp
http            80/tcp          www
https           443/tcp
https           443/udp
daytime         13/tcp
daytime         13/udp
"""


def targets(results):
    return sorted((r["port"], r["protocol"]) for r in results)


def probe(suite, db, *args, expect=None):
    run = pc.run([PORTENT, "--db", db, "probe", "127.0.0.1", *args, "--timeout", "500ms", "--format", "json"],
                 timeout=30)
    results = pc.parse_json_run(suite, run)
    if expect is not None:
        suite.check(targets(results) == sorted(expect), f"targets {targets(results)}, expected {sorted(expect)}",
                    run.describe())
    return run, results


def main():
    suite = pc.Suite("probe.targets")
    with tempfile.TemporaryDirectory(prefix="portent-probe-targets-") as tmp:
        db = os.path.join(tmp, "services")
        with open(db, "w") as f:
            f.write(SERVICES_DB)
        with pc.background(pc.http_server("127.0.0.1", HTTP_PORT, tmp), quiet=True):
            if not pc.wait_for_tcp("127.0.0.1", HTTP_PORT):
                pc.die("python http.server did not start")

            with suite.case("a bare port listed for UDP alone is probed over TCP too, and the live server found"):
                run, results = probe(suite, db, str(HTTP_PORT), expect=[(HTTP_PORT, "tcp"), (HTTP_PORT, "udp")])
                tcp = pc.find(results, HTTP_PORT, "tcp")
                suite.check(tcp is not None and tcp["state"] == "open", "the HTTP server on the TCP port is not "
                            "reported open", run.describe())

            with suite.case("a range: TCP for every port, UDP where listed"):
                probe(suite, db, f"{HTTP_PORT - 1}-{HTTP_PORT + 1}",
                      expect=[(HTTP_PORT - 1, "tcp"), (HTTP_PORT, "tcp"), (HTTP_PORT, "udp"), (HTTP_PORT + 1, "tcp")])

            with suite.case("a name and its port give the same targets"):
                _, by_name = probe(suite, db, "https", expect=[(443, "tcp"), (443, "udp")])
                _, by_port = probe(suite, db, "443", expect=[(443, "tcp"), (443, "udp")])
                suite.check([(r["port"], r["protocol"], r["service"]) for r in by_name] ==
                            [(r["port"], r["protocol"], r["service"]) for r in by_port],
                            "https and 443 differ", f"{by_name!r}\n{by_port!r}")

            with suite.case("a name: the protocols the database lists for it"):
                probe(suite, db, "rplay", expect=[(HTTP_PORT, "udp")])
                probe(suite, db, "http", expect=[(80, "tcp")])
                probe(suite, db, "daytime", expect=[(13, "tcp"), (13, "udp")])

            with suite.case("/PROTO and -p narrow, listed or not"):
                probe(suite, db, f"{HTTP_PORT}/udp", expect=[(HTTP_PORT, "udp")])
                probe(suite, db, "-p", "tcp", str(HTTP_PORT), expect=[(HTTP_PORT, "tcp")])
                probe(suite, db, "-p", "udp", str(HTTP_PORT - 1), expect=[(HTTP_PORT - 1, "udp")])
                probe(suite, db, "-p", "tcp", "https", expect=[(443, "tcp")])

            with suite.case("a TCP-only --as narrows to TCP"):
                run, results = probe(suite, db, str(HTTP_PORT), "--as", "http", expect=[(HTTP_PORT, "tcp")])
                suite.check(results and results[0]["verdict"] == "passed", "the HTTP server does not pass --as http",
                            run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
