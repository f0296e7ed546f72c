#!/usr/bin/python3
"""portent probe against misbehaving servers (hostile_server.py on 127.0.0.1): none may hang the run,
each ends at its deadline or its 4 KiB byte cap with the right state, and nothing a server says reaches
the terminal raw. Runs in a private network namespace (unshare -n, needs root). Usage: test_hostile.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

import hostile_server as hs  # noqa: E402
import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
NO_DATA = re.compile(r"no (data|answer|reply|response|banner|bytes)|nothing|silen|timed? ?out|deadline|empty",
                     re.I)


def probe_json(suite, args, timeout=30, expect_count=1):
    run = pc.run([PORTENT, "probe", "127.0.0.1", *args, "--format", "json"], timeout=timeout)
    suite.require(run.rc != "killed (hung)", "portent hung", run.describe())
    results = pc.parse_json_run(suite, run, expect_count=expect_count)
    pc.check_exit_code_matches(suite, run, results)
    return run, results


def main():
    suite = pc.Suite("probe.hostile")
    with pc.hostile_server("--host", "127.0.0.1") as ports:
        with suite.case("silent server, --as banner --timeout 500ms"):
            run, (r,) = probe_json(suite, [str(ports["silent"]), "--as", "banner", "--timeout", "500ms"])
            suite.check(0.4 <= run.elapsed < 2.0, f"took {run.elapsed:.2f} s, expected about 0.5 s", run.describe())
            suite.check(r["state"] == "open", f"state {r['state']!r}, expected open (it connected)", repr(r))
            suite.check(r["verdict"] != "passed", "verdict passed for a server that said nothing", repr(r))
            suite.check(r["verdict"] == "failed" or NO_DATA.search(r["detail"] or ""),
                        "neither verdict failed nor a detail saying no data came", repr(r))
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

        for name, dialogue in (("chargen", "daytime"), ("flood", "banner")):
            with suite.case(f"{name} server (sends forever), --as {dialogue} --timeout 5s"):
                run, (r,) = probe_json(suite, [str(ports[name]), "--as", dialogue, "--timeout", "5s"])
                suite.check(run.elapsed < 2.5, f"took {run.elapsed:.2f} s; the 4 KiB cap should end it well before "
                            "the 5 s deadline", run.describe())
                suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r)[:600])
                answer = r["answer"].encode("utf-8")
                suite.check(0 < len(answer) <= 4096, f"answer is {len(answer)} bytes, expected 1..4096",
                            repr(r)[:600])
                stream = hs.chargen_prefix(len(answer)) if name == "chargen" else b"A" * len(answer)
                suite.check(answer == stream, "answer is not the beginning of what the server sent",
                            repr(r)[:600])

        with suite.case("generic TCP: a banner sent unasked is shown, a silent server costs a short wait only"):
            run, (r,) = probe_json(suite, [f"{ports['banner']}/tcp", "--timeout", "5s"])
            suite.check(r["state"] == "open" and r["answer"].encode() == hs.BANNER and r["verdict"] is None,
                        "expected open with the banner as the answer and no verdict", repr(r))
            run, (r,) = probe_json(suite, [f"{ports['silent']}/tcp", "--timeout", "5s"])
            suite.check(r["state"] == "open" and r["answer"] == "", "expected open with no answer", repr(r))
            suite.check(run.elapsed < 1.0, f"took {run.elapsed:.2f} s with --timeout 5s: a plain connect must "
                        "not wait for the deadline", run.describe())

        with suite.case("chargen server, table output"):
            run = pc.run([PORTENT, "probe", "127.0.0.1", str(ports["chargen"]), "--as", "daytime", "--timeout", "5s",
                          "--format", "table"], timeout=30)
            suite.check(run.elapsed < 2.5, f"took {run.elapsed:.2f} s", run.describe())
            bad = pc.has_raw_control_bytes(run.out)
            suite.check(bad is None, f"table output contains raw control bytes: {bad}", run.describe())

        with suite.case("reset mid-read (some bytes, then RST), --as banner --timeout 3s"):
            run, (r,) = probe_json(suite, [str(ports["reset"]), "--as", "banner", "--timeout", "3s"])
            suite.check(run.elapsed < 1.5, f"took {run.elapsed:.2f} s; a reset should end the probe at once",
                        run.describe())
            suite.check(r["state"] in ("open", "closed", "error"), f"state {r['state']!r}, expected open (with "
                        "verdict), closed (reset) or error", repr(r))
            suite.check(hs.RESET_PREFIX.startswith(r["answer"].encode("utf-8")),
                        "answer is not (a prefix of) what the server sent before the reset", repr(r))
            suite.check(r["state"] != "open" or r["verdict"] is not None, "state open without a verdict", repr(r))
            suite.note(f"reset ended as state={r['state']} verdict={r['verdict']} detail={r['detail']!r}")

        with suite.case("trickle (one byte a second), --as banner --timeout 2s"):
            run, (r,) = probe_json(suite, [str(ports["trickle"]), "--as", "banner", "--timeout", "2s"])
            suite.check(1.8 <= run.elapsed < 3.5, f"took {run.elapsed:.2f} s, expected to end at the 2 s deadline",
                        run.describe())
            suite.check(r["state"] == "open", f"state {r['state']!r}, expected open (it connected)", repr(r))
            suite.check(hs.TRICKLE.startswith(r["answer"].encode("utf-8")),
                        "answer is not (a prefix of) what the server sent", repr(r))
            suite.note(f"trickle ended as verdict={r['verdict']} answer={r['answer']!r} detail={r['detail']!r}")

        with suite.case("NUL / ESC / BEL / DEL / C1 sender: table output"):
            run = pc.run([PORTENT, "probe", "127.0.0.1", str(ports["nasty"]), "--as", "banner", "--timeout", "2s",
                          "--format", "table"], timeout=30)
            bad = pc.has_raw_control_bytes(run.out)
            suite.check(bad is None, f"table output contains raw control bytes: {bad}", run.describe())
            text = run.out.decode("utf-8", "replace")
            for visible in ("hello", "world", "[2J", "title", "cr:"):
                suite.check(visible in text, f"table output does not show {visible!r}", run.describe())
            for dropped in ("helloworld", "ESC-clear:[2J", "bell: del:", "del: c1", "c1-utf8:1m", "c1-raw:2m",
                            "cr: end"):
                suite.check(dropped not in text, f"a control character was dropped instead of shown "
                            f"({dropped!r} in output)", run.describe())
            suite.check(run.rc in (0, 2), f"exit code {run.rc}, expected 0 or 2", run.describe())

        with suite.case("NUL / ESC / BEL / DEL / C1 sender: JSON output"):
            run, (r,) = probe_json(suite, [str(ports["nasty"]), "--as", "banner", "--timeout", "2s"])
            raw_ok = all(b >= 0x20 or b in b"\n\r\t" for b in run.out)
            suite.check(raw_ok, "JSON output has raw control bytes (JSON requires them escaped)", run.describe())
            suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r))
            answer = r["answer"]
            suite.check("hello\x00world" in answer and "\x1b[2J" in answer and "\x1b]0;title\x07" in answer,
                        "JSON answer is not what the service said (NUL and ESC sequences should be there, "
                        "JSON-escaped; visible escaping is for table output)", json.dumps(r))

        with suite.case("closed TCP port"):
            run, (r,) = probe_json(suite, [f"{ports['closed_tcp']}/tcp", "--timeout", "3s"])
            suite.check(r["state"] == "closed", f"state {r['state']!r}, expected closed", repr(r))
            suite.check(r["verdict"] is None or r["verdict"] == "failed", f"verdict {r['verdict']!r} for a closed "
                        "port", repr(r))
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())
            if run.elapsed > 1.0:
                suite.note(f"a refused TCP connect took {run.elapsed:.2f} s")

        with suite.case("closed UDP port (ICMP port unreachable)"):
            run, (r,) = probe_json(suite, [f"{ports['closed_udp']}/udp", "--timeout", "3s"])
            suite.check(r["state"] == "closed", f"state {r['state']!r}, expected closed", repr(r))
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())
            if run.elapsed > 1.0:
                suite.note(f"an ICMP-refused UDP probe took {run.elapsed:.2f} s")

        with suite.case("black-holed UDP port, --timeout 2s: ends at its deadline, not later"):
            # A 2 s deadline leaves 1.5 s for a loaded machine, and a run that waited twice the
            # deadline (4 s) still fails.
            run, (r,) = probe_json(suite, [f"{ports['blackhole_udp']}/udp", "--timeout", "2s"])
            suite.check(r["state"] == "open|filtered", f"state {r['state']!r}, expected open|filtered", repr(r))
            suite.check("no reply" in pc.text_of(r).lower(), "no 'no reply' wording in answer/detail", repr(r))
            suite.check(1.9 <= run.elapsed < 3.5, f"took {run.elapsed:.2f} s, expected to end at the 2 s deadline "
                        "(limits 1.9..3.5 s)", run.describe())
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

        with suite.case("all TCP misbehaviours at once, --timeout 1s: ends at one deadline"):
            names = ["silent", "chargen", "flood", "reset", "trickle", "nasty", "closed_tcp", "banner"]
            run, results = probe_json(suite, [*(f"{ports[n]}/tcp" for n in names), "--as", "banner",
                                              "--timeout", "1s", "--parallel", "16"], expect_count=len(names))
            suite.check(run.elapsed < 2.5, f"took {run.elapsed:.2f} s, expected about 1 s (all in parallel)",
                        run.describe())
            expect = {"silent": "open", "chargen": "open", "flood": "open", "trickle": "open", "nasty": "open",
                      "closed_tcp": "closed", "banner": "open"}
            for name, state in expect.items():
                r = pc.find(results, ports[name], "tcp")
                suite.check(r is not None and r["state"] == state, f"{name}: expected {state}, got "
                            f"{r and r['state']!r}", repr(r)[:600])
            banner = pc.find(results, ports["banner"], "tcp")
            suite.check(banner is not None and banner["verdict"] == "passed"
                        and banner["answer"].rstrip("\r\n") == hs.BANNER.decode().rstrip("\r\n"),
                        "a well-behaved banner server beside the hostile ones should pass with its banner line",
                        repr(banner))

        for name, verdict in (("goodecho", "passed"), ("badecho", "failed"), ("halfecho", "failed"),
                              ("extraecho", "failed")):
            with suite.case(f"TCP {name} server, --as echo: verdict {verdict}"):
                run, (r,) = probe_json(suite, [f"{ports[name]}/tcp", "--as", "echo", "--timeout", "1s"])
                suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r))
                suite.check(r["verdict"] == verdict, f"verdict {r['verdict']!r}, expected {verdict} (RFC 862: the "
                            "token must come back byte-identical)", repr(r))
                if name == "goodecho":
                    again, (r2,) = probe_json(suite, [f"{ports[name]}/tcp", "--as", "echo", "--timeout", "1s"])
                    suite.check(r["answer"] != "" and r["answer"] != r2["answer"],
                                "two echo probes sent the same token (it must be random)", f"{r!r}\n{r2!r}")

        for name, dialogue, reason in (("letters", "time", "more than a day"),
                                       ("status999", "http", "outside 100-599"),
                                       ("nuls", "daytime", "not printable")):
            with suite.case(f"{name} server, --as {dialogue}: failed, the reason in the detail"):
                run, (r,) = probe_json(suite, [f"{ports[name]}/tcp", "--as", dialogue, "--timeout", "2s"])
                suite.check(r["state"] == "open" and r["verdict"] == "failed" and reason in (r["detail"] or ""),
                            f"expected open, verdict failed, {reason!r} in the detail", repr(r))
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

        for name, verdict in (("udp_echo", "passed"), ("udp_badecho", "failed")):
            with suite.case(f"UDP {name} server, --as echo: verdict {verdict}"):
                run, (r,) = probe_json(suite, [f"{ports[name]}/udp", "--as", "echo", "--timeout", "1s"])
                suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r))
                suite.check(r["verdict"] == verdict, f"verdict {r['verdict']!r}, expected {verdict}", repr(r))

        with suite.case("UDP reply of 60000 bytes: answer capped at 4 KiB"):
            run, (r,) = probe_json(suite, [f"{ports['udp_big']}/udp", "--as", "daytime", "--timeout", "2s"])
            suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r)[:600])
            size = len(r["answer"].encode("utf-8"))
            suite.check(0 < size <= 4096, f"answer is {size} bytes, expected 1..4096", repr(r)[:600])
            suite.check(run.elapsed < 1.5, f"took {run.elapsed:.2f} s for a prompt UDP reply", run.describe())

        with suite.case("UDP reply full of control characters: table output"):
            run = pc.run([PORTENT, "probe", "127.0.0.1", f"{ports['udp_nasty']}/udp", "--as", "daytime",
                          "--timeout", "2s", "--format", "table"], timeout=30)
            bad = pc.has_raw_control_bytes(run.out)
            suite.check(bad is None, f"table output contains raw control bytes: {bad}", run.describe())
            text = run.out.decode("utf-8", "replace")
            suite.check("hello" in text and "[2J" in text and "helloworld" not in text,
                        "the UDP answer is not shown with its control characters made visible", run.describe())

        for name, deadline in (("silent", 0.5), ("trickle", 1.0)):
            with suite.case(f"--as https (TLS handshake) on the {name} server, --timeout {deadline}s"):
                run, (r,) = probe_json(suite, [str(ports[name]), "--as", "https", "--timeout", f"{int(deadline * 1000)}ms"])
                suite.check(deadline - 0.1 <= run.elapsed < deadline + 1.0,
                            f"took {run.elapsed:.2f} s, expected to end at the {deadline} s deadline", run.describe())
                suite.check(r["state"] == "open" and r["verdict"] == "failed",
                            f"state/verdict {r['state']}/{r['verdict']}, expected open/failed", repr(r))

        with suite.case("--as https on a server that floods plain bytes: ends promptly, failed"):
            run, (r,) = probe_json(suite, [str(ports["flood"]), "--as", "https", "--timeout", "3s"])
            suite.check(run.elapsed < 2.0, f"took {run.elapsed:.2f} s", run.describe())
            suite.check(r["state"] == "open" and r["verdict"] == "failed",
                        f"state/verdict {r['state']}/{r['verdict']}, expected open/failed", repr(r))

        with suite.case("unknown host: a result per target, state error, exit 2"):
            run = pc.run([PORTENT, "probe", "no-such-host.invalid", "80/tcp", "13", "--timeout", "2s",
                          "--format", "json"], timeout=60)
            results = pc.parse_json_run(suite, run, expect_count=3)
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2 (targets that did not answer)", run.describe())
            for r in results:
                suite.check(r["state"] == "error" and r["host"] == "no-such-host.invalid" and r["address"] is None
                            and "resolve" in (r["detail"] or ""),
                            "expected state error, no address and the look-up failure in the detail", repr(r))
            run = pc.run([PORTENT, "probe", "no-such-host.invalid", "80/tcp", "--timeout", "2s", "--format", "table"],
                         timeout=60)
            suite.check(run.rc == 2, f"table: exit code {run.rc}, expected 2", run.describe())
            suite.check(b"no-such-host.invalid:80/tcp" in run.out and b"error" in run.out,
                        "the table does not show the target with state error", run.describe())

        with suite.case("no thread to be had for the resolver: a result with state error, exit 2"):
            # As an unprivileged user whose process limit is already reached, creating a thread fails.
            # (A copy of portent in a directory of its own that the user may enter.)
            pc.require_tools("setpriv", "prlimit")
            with tempfile.TemporaryDirectory(prefix="portent-nproc-") as place:
                os.chmod(place, 0o755)
                copy = os.path.join(place, "portent")
                shutil.copy(PORTENT, copy)
                # LeakSanitizer (the sanitizer build) needs a thread of its own at exit, which this
                # limit denies: it does not look for leaks here.
                no_leak_check = "ASAN_OPTIONS=" + os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
                run = pc.run(["env", no_leak_check, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "prlimit",
                              "--nproc=1", copy, "probe", "localhost", "80/tcp", "--format", "json"], timeout=30)
            results = pc.parse_json_run(suite, run, expect_count=1)
            suite.check(results[0]["state"] == "error" and "resolver" in (results[0]["detail"] or ""),
                        "expected state error naming the resolver", run.describe())
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

    with pc.hostile_server("--host", "::1") as ports6:
        for host in ("::1", "[::1]"):
            with suite.case(f"IPv6 {host}: closed TCP, closed UDP, black-holed UDP, echo"):
                run = pc.run([PORTENT, "probe", host, f"{ports6['closed_tcp']}/tcp", f"{ports6['closed_udp']}/udp",
                              f"{ports6['blackhole_udp']}/udp", "--timeout", "1s", "--format", "json"], timeout=30)
                results = pc.parse_json_run(suite, run, expect_count=3)
                pc.check_exit_code_matches(suite, run, results)
                for port, proto, state in ((ports6["closed_tcp"], "tcp", "closed"), (ports6["closed_udp"], "udp", "closed"),
                                           (ports6["blackhole_udp"], "udp", "open|filtered")):
                    r = pc.find(results, port, proto)
                    suite.check(r is not None and r["state"] == state and r["address"] == "::1",
                                f"{port}/{proto}: expected {state} on ::1", repr(r))
                run = pc.run([PORTENT, "probe", host, f"{ports6['goodecho']}/tcp", f"{ports6['udp_echo']}/udp",
                              "--as", "echo", "--timeout", "1s", "--format", "json"], timeout=30)
                results = pc.parse_json_run(suite, run, expect_count=2)
                suite.check(all(r["state"] == "open" and r["verdict"] == "passed" for r in results),
                            "echo over IPv6 should pass on TCP and UDP", run.describe())
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
