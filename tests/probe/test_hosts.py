#!/usr/bin/python3
"""Many hosts in one `portent probe`: every HOST form (names, literals, [::1], CIDR blocks and their network and
broadcast rule, IPv4 ranges, comma lists, --hosts-from FILE and -), how the command line tells hosts from queries
(-- included), bad forms and blocks beyond 65536 addresses as usage errors, a name that cannot be looked up as
error results while the run goes on, the order of the targets (each port on every host before the next port), and
--per-host. Runs in a private network namespace (unshare -n, needs root). Usage: test_hosts.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()

PORT = 7  # closed everywhere: every target ends at once with state closed
SERVICES_DB = "echo 7/tcp\nhttp 80/tcp www\ndaytime 13/tcp\ndaytime 13/udp\n"


def probe(db, *args, stdin=None, timeout=60):
    return pc.run([PORTENT, "--db", db, "probe", "--timeout", "500ms", "--format", "json", *args], timeout=timeout,
                  stdin=stdin)


def hosts_probed(suite, run):
    results = pc.parse_json_run(suite, run)
    return [r["host"] for r in results]


def expect_hosts(suite, db, args, expected, stdin=None):
    run = probe(db, *args, stdin=stdin)
    got = hosts_probed(suite, run)
    suite.check(got == expected, f"{' '.join(args)}: hosts {got}, expected {expected}", run.describe())
    return run


def expect_usage_error(suite, db, args, words):
    run = probe(db, *args)
    text = run.err.decode("utf-8", "replace")
    suite.check(run.rc == 1 and run.out == b"" and all(w in text for w in words),
                f"{' '.join(args)}: expected exit 1 and a message with {words}", run.describe())


def main():
    suite = pc.Suite("probe.hosts")
    with tempfile.TemporaryDirectory(prefix="portent-probe-hosts-") as tmp:
        db = os.path.join(tmp, "services")
        with open(db, "w") as f:
            f.write(SERVICES_DB)

        with suite.case("literals and names, one host each; [::1] and ::1 alike"):
            expect_hosts(suite, db, ["127.0.0.1", f"{PORT}/tcp"], ["127.0.0.1"])
            expect_hosts(suite, db, ["[::1]", f"{PORT}/tcp"], ["::1"])
            expect_hosts(suite, db, ["::1", "127.0.0.1", f"{PORT}/tcp"], ["::1", "127.0.0.1"])
            expect_hosts(suite, db, ["localhost", f"{PORT}/tcp"], ["localhost"])

        with suite.case("CIDR: network and broadcast left out up to /30, kept at /31 and /32; IPv6 whole"):
            expect_hosts(suite, db, ["127.0.1.0/30", f"{PORT}/tcp"], ["127.0.1.1", "127.0.1.2"])
            expect_hosts(suite, db, ["127.0.1.0/31", f"{PORT}/tcp"], ["127.0.1.0", "127.0.1.1"])
            expect_hosts(suite, db, ["127.0.1.7/32", f"{PORT}/tcp"], ["127.0.1.7"])
            expect_hosts(suite, db, ["127.0.1.5/29", f"{PORT}/tcp"], [f"127.0.1.{i}" for i in range(1, 7)])
            expect_hosts(suite, db, ["::1/128", f"{PORT}/tcp"], ["::1"])
            run = probe(db, "127.0.2.0/24", f"{PORT}/tcp")
            hosts = hosts_probed(suite, run)
            suite.check(len(hosts) == 254 and hosts[0] == "127.0.2.1" and hosts[-1] == "127.0.2.254",
                        f"/24: {len(hosts)} hosts from {hosts[:1]} to {hosts[-1:]}, expected 254 from .1 to .254")

        with suite.case("IPv4 ranges in any part, the last part varying fastest"):
            expect_hosts(suite, db, ["127.0.1.1-4", f"{PORT}/tcp"], [f"127.0.1.{i}" for i in range(1, 5)])
            expect_hosts(suite, db, ["127.0.1-2.9-10", f"{PORT}/tcp"],
                         ["127.0.1.9", "127.0.1.10", "127.0.2.9", "127.0.2.10"])

        with suite.case("comma lists, names and blocks mixed, in order"):
            expect_hosts(suite, db, ["localhost,127.0.2.0/30", f"{PORT}/tcp"], ["localhost", "127.0.2.1", "127.0.2.2"])

        with suite.case("--hosts-from FILE and -: one item a line, # comments and blank lines left out"):
            listed = os.path.join(tmp, "hosts")
            with open(listed, "w") as f:
                f.write("# lab machines\n127.0.3.1\n\n  127.0.3.8-9  # two more\n::1,localhost\n")
            expected = ["127.0.3.1", "127.0.3.8", "127.0.3.9", "::1", "localhost"]
            expect_hosts(suite, db, ["--hosts-from", listed, f"{PORT}/tcp"], expected)
            expect_hosts(suite, db, ["--hosts-from", "-", f"{PORT}/tcp"], expected, stdin=open(listed, "rb").read())
            expect_hosts(suite, db, ["--hosts-from", listed, "127.0.4.1", f"{PORT}/tcp"], ["127.0.4.1", *expected])
            with open(listed, "a") as f:
                f.write("127.0.0.300\n")
            expect_usage_error(suite, db, ["--hosts-from", listed, f"{PORT}/tcp"], [f"{listed}:6:", "127.0.0.300"])

        with suite.case("hosts and queries: written-as-address arguments are hosts, a name after the first is a query"):
            expect_hosts(suite, db, ["localhost", "127.0.5.1", "::1", "echo"], ["localhost", "127.0.5.1", "::1"])
            run = probe(db, "127.0.5.1", "localhost", "echo")
            suite.check(run.rc == 1 and b"localhost: no such service" in run.err,
                        "a name after the first host should be read as a QUERY", run.describe())

        with suite.case("-- ends the hosts: names after the first, and a host named like a service"):
            expect_hosts(suite, db, ["localhost", "ip6-localhost", "--", "echo"], ["localhost", "ip6-localhost"])
            run = probe(db, "127.0.5.1", "echo", "--", f"{PORT}/tcp")
            results = pc.parse_json_run(suite, run)
            suite.check([r["host"] for r in results] == ["127.0.5.1", "echo"] and results[1]["state"] == "error",
                        "echo before -- should be a host (that cannot be looked up)", run.describe())

        with suite.case("the single-host form of before: HOST QUERY..."):
            run = probe(db, "127.0.0.1", "daytime", "echo")
            results = pc.parse_json_run(suite, run, expect_count=3)
            suite.check([(r["host"], r["port"], r["protocol"]) for r in results] ==
                        [("127.0.0.1", 13, "tcp"), ("127.0.0.1", 13, "udp"), ("127.0.0.1", 7, "tcp")],
                        "targets differ from HOST QUERY...", run.describe())

        with suite.case("a name that cannot be looked up: error results, the rest of the run goes on"):
            run = probe(db, "127.0.6.1,no-such-host.invalid,127.0.6.2", f"{PORT}/tcp")
            results = pc.parse_json_run(suite, run, expect_count=3)
            states = [(r["host"], r["state"]) for r in results]
            suite.check(states == [("127.0.6.1", "closed"), ("no-such-host.invalid", "error"), ("127.0.6.2", "closed")],
                        f"states {states}", run.describe())
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

        with suite.case("bad forms are usage errors that say why"):
            for args, words in (
                    (["127.0.0.256", "echo"], ["127.0.0.256", "0 to 255"]),
                    (["127.0.0.9-3", "echo"], ["ends before"]),
                    (["127.0.0.1/33", "echo"], ["prefix length"]),
                    (["localhost/24", "echo"], ["not a name"]),
                    (["127.0.0.1,", "echo"], ["empty host"]),
                    (["[127.0.0.1]", "echo"], ["brackets"]),
                    (["::1/95", "echo"], ["/96"]),
                    (["80", "echo"], ["four parts"]),
                    (["127.0.0.1"], ["QUERY", "--top"]),
                    (["--hosts-from", "/dev/null", "echo"], ["no host"])):
                expect_usage_error(suite, db, args, words)

        with suite.case("more than 65536 addresses need --allow-large"):
            expect_usage_error(suite, db, ["127.0.0.0/15", "echo"], ["131070", "--allow-large"])
            expect_usage_error(suite, db, ["fd00::/111", "echo"], ["--allow-large"])
            expect_usage_error(suite, db, ["127.0-1.0-255.0-255", "echo"], ["--allow-large"])
            # allowed: the run starts (its first line comes), then it is stopped
            argv = [PORTENT, "--db", db, "probe", "--allow-large", "--format", "jsonl", "127.0.0.0/15", f"{PORT}/tcp"]
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=pc.die_with_parent)
            try:
                first = json.loads(proc.stdout.readline() or b"null")
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.communicate(timeout=60)
            # Results come as targets end, which need not be in the plan's order: any host of the block.
            suite.check(first is not None and first["host"].startswith("127.") and first["port"] == PORT,
                        f"first result {first!r}")

        with suite.case("order: each port on every host before the next port (--parallel 1 keeps it)"):
            run = probe(db, "--parallel", "1", "127.0.7.1-3", "::1", "1-2/tcp")
            got = [(r["host"], r["port"]) for r in pc.parse_json_run(suite, run)]
            suite.check(got == [(h, p) for p in (1, 2) for h in ("127.0.7.1", "127.0.7.2", "127.0.7.3", "::1")],
                        f"order {got}", run.describe())

        with suite.case("--per-host N: at most N targets in flight towards one host"):
            # 10 silent listeners a host: each target waits 100 ms for words that never come (open).
            keep = pc.silent_listeners("127.0.8.1", range(9001, 9011)) + pc.silent_listeners("127.0.8.2", range(9001, 9011))
            timings = {}
            for per_host in ("1", "2", "10"):
                run = probe(db, "--per-host", per_host, "127.0.8.1-2", "9001-9010/tcp", timeout=60)
                results = pc.parse_json_run(suite, run, expect_count=20)
                suite.check(all(r["state"] == "open" for r in results), "every target should be open", run.describe())
                timings[per_host] = run.elapsed
            # 10 targets of 100 ms on one host, one at a time: at least 1 s; two at a time: 0.5 s. The hosts run
            # side by side, so two hosts take no longer than one.
            suite.check(timings["1"] >= 1.0, f"--per-host 1 took {timings['1']:.2f} s, below 10 x 100 ms")
            suite.check(timings["2"] >= 0.5, f"--per-host 2 took {timings['2']:.2f} s, below 5 x 100 ms")
            suite.check(timings["10"] < timings["1"], f"--per-host 10 ({timings['10']:.2f} s) is not faster than "
                        f"--per-host 1 ({timings['1']:.2f} s)")
            suite.note("wall times: " + ", ".join(f"--per-host {k}: {v:.2f} s" for k, v in timings.items()))
            for s in keep:
                s.close()
    suite.finish()


if __name__ == "__main__":
    main()
