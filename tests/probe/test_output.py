#!/usr/bin/python3
"""What `portent probe` writes: --format jsonl gives one JSON object a line, with the fields of --format json,
each written as its target ends (in that order) and not kept, so that `| head -1` returns at once and memory
does not hold the results; and every command's --help lists exactly the formats it writes.
Runs in a private network namespace (unshare -n, needs root). Usage: test_output.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()

FORMATS = ("table", "services", "json", "jsonl")


def peak_rss_kib(argv, timeout=120):
    """Runs argv with stdout discarded; returns (exit code, peak resident memory in KiB, seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=pc.die_with_parent)
    deadline = start + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status), usage.ru_maxrss, time.monotonic() - start
        time.sleep(0.02)
    proc.kill()
    _, status, usage = os.wait4(proc.pid, 0)
    return "killed (hung)", usage.ru_maxrss, time.monotonic() - start


def main():
    suite = pc.Suite("probe.output")
    with pc.hostile_server("--host", "127.0.0.1") as ports:
        with suite.case("jsonl | head -1 returns at once, though a black-holed target waits 3 s"):
            pipeline = (f"'{PORTENT}' probe 127.0.0.1 {ports['blackhole_udp']}/udp 1-65535/udp --timeout 3s "
                        "--format jsonl | head -1")
            run = pc.run(["sh", "-c", pipeline], timeout=60)
            suite.check(run.elapsed < 2.0, f"the pipeline took {run.elapsed:.2f} s: portent waited for its last "
                        "target before writing", run.describe())
            lines = run.out.decode("utf-8", "replace").splitlines()
            suite.require(len(lines) == 1, "expected one line from head -1", run.describe())
            suite.check(not pc.validate_results([json.loads(lines[0])]), "the line is not a result object",
                        run.describe())

        with suite.case("jsonl: the fields of json, one object a line, in the order the targets end"):
            args = ["probe", "127.0.0.1", str(ports["slowbanner"]), str(ports["banner"]), "--as", "banner",
                    "--timeout", "3s"]
            lines_run = pc.run([PORTENT, *args, "--format", "jsonl"], timeout=30)
            array_run = pc.run([PORTENT, *args, "--format", "json"], timeout=30)
            array = pc.parse_json_run(suite, array_run, expect_count=2)
            text = lines_run.out.decode("utf-8")
            suite.require(text.endswith("\n") and text.count("\n") == 2, "expected two lines", lines_run.describe())
            objects = [json.loads(line) for line in text.splitlines()]
            suite.check(not pc.validate_results(objects), "the lines do not match the result schema",
                        lines_run.describe())
            suite.check([o["port"] for o in objects] == [ports["banner"], ports["slowbanner"]],
                        "the prompt banner (second target) should come first: lines are in completion order",
                        lines_run.describe())
            without_rtt = [{k: v for k, v in o.items() if k != "rtt_ms"} for o in objects]
            suite.check(sorted(without_rtt, key=lambda o: o["port"]) ==
                        sorted(({k: v for k, v in o.items() if k != "rtt_ms"} for o in array),
                               key=lambda o: o["port"]),
                        "jsonl and json differ beyond rtt_ms", f"{objects!r}\n{array!r}")
            suite.check(lines_run.rc == array_run.rc == 0, "exit codes", lines_run.describe())

        with suite.case("jsonl keeps no results: 65535 targets take far less memory than with json"):
            base = [PORTENT, "probe", "127.0.0.1", "1-65535/udp", "--timeout", "200ms", "--format"]
            rc_lines, rss_lines, took_lines = peak_rss_kib([*base, "jsonl"])
            rc_array, rss_array, took_array = peak_rss_kib([*base, "json"])
            suite.check(rc_lines == rc_array == 2, f"exit codes {rc_lines} (jsonl), {rc_array} (json), expected 2")
            # A kept result costs well over 100 bytes (the result, its strings, the vector): json holds 65535.
            suite.check(rss_lines * 1024 <= rss_array * 1024 - 65535 * 100,
                        f"peak memory {rss_lines} KiB with jsonl, {rss_array} KiB with json: jsonl keeps results")
            suite.note(f"peak memory: jsonl {rss_lines} KiB ({took_lines:.1f} s), json {rss_array} KiB "
                       f"({took_array:.1f} s)")

    with suite.case("every command's --help lists exactly the formats it writes"):
        commands = {"lookup": ["lookup", "http"], "list": ["list"], "search": ["search", "http"],
                    "lint": ["lint", "/dev/null"], "probe": ["probe", "127.0.0.1", "1/tcp", "--timeout", "100ms"]}
        for name, args in commands.items():
            help_run = pc.run([PORTENT, name, "--help"], timeout=30)
            text = " ".join(help_run.out.decode("utf-8", "replace").split())
            match = re.search(r"--format FORMAT (.*?\))", text)
            suite.require(match is not None, f"{name} --help has no --format line", help_run.describe())
            listed = set(re.findall(r"'([a-z]+)'", match.group(1)))
            accepted = set()
            for fmt in FORMATS:
                run = pc.run([PORTENT, "--format", fmt, *args], timeout=30)
                if not (run.rc == 1 and b"--format" in run.err):
                    accepted.add(fmt)
            suite.check(listed == accepted, f"{name}: --help lists {sorted(listed)}, it writes {sorted(accepted)}",
                        match.group(0))
    suite.finish()


if __name__ == "__main__":
    main()
