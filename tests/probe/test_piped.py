#!/usr/bin/python3
"""portent probe progress goes to stderr only on a terminal: piped runs have no progress noise.
Runs in a private network namespace (unshare -n, needs root). Usage: test_piped.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import re  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
# What a terminal on stderr receives from a run of one host: progress lines, each drawn over the last
# (carriage return, erase to the end of the line), and at the end the line erased.
PROGRESS = re.compile(rb"(\r\x1b\[Kprobing 127\.0\.0\.1: targets \d+/2, \d+ open, \d+ answered)+\r\x1b\[K")
pc.enter_private_netns()


def main():
    suite = pc.Suite("probe.piped")
    with pc.hostile_server("--host", "127.0.0.1") as ports:
        slow = str(ports["slowbanner"])  # answers after 1.2 s: long enough for a progress line to be drawn
        banner = str(ports["banner"])
        for fmt in ("table", "json"):
            with suite.case(f"successful piped run, --format {fmt}: stderr empty"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", slow, banner, "--as", "banner", "--timeout", "3s",
                              "--format", fmt])
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
                suite.check(run.err == b"", "stderr is not empty on a successful piped run", run.describe())
                suite.check(b"\r" not in run.out and b"\x1b" not in run.out, "progress artefacts (CR/ESC) on stdout",
                            run.describe())
                suite.check(run.out.strip() != b"", "nothing on stdout", run.describe())

        with suite.case("piped run with unanswered targets: no progress artefacts on stderr"):
            run = pc.run([PORTENT, "probe", "127.0.0.1", slow, f"{ports['blackhole_udp']}/udp", "--timeout", "1500ms"])
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())
            suite.check(b"\r" not in run.err and b"\x1b" not in run.err, "progress artefacts (CR/ESC) on stderr",
                        run.describe())
            suite.check(run.err == b"", "stderr is not empty on a piped run (unanswered targets are no error)",
                        run.describe())

        with suite.case("stderr a terminal, stdout piped: stdout stays clean JSON"):
            run, _ = pc.run_on_terminal(
                [PORTENT, "probe", "127.0.0.1", slow, banner, "--as", "banner", "--timeout", "3s", "--format", "json"])
            rc, out, terminal = run.rc, run.out, run.err
            suite.check(rc == 0, f"exit code {rc}, expected 0", f"stdout: {out!r}\nterminal: {terminal!r}")
            try:
                document = json.loads(out)
                problems = pc.validate_results(document)
                suite.check(not problems, "JSON does not match the schema", "\n".join(problems))
            except ValueError as e:
                suite.check(False, f"stdout is not JSON ({e})", f"stdout: {out!r}")
            suite.check(terminal == b"" or PROGRESS.fullmatch(terminal) is not None,
                        "the terminal received something other than progress lines, erased at the end",
                        f"terminal: {pc.shorten(terminal, 600)!r}")

        with suite.case("stderr a terminal: the progress line is drawn after a second, and erased at the end"):
            # The silent target holds the run for its whole 2.5 s deadline.
            run, _ = pc.run_on_terminal([PORTENT, "probe", "127.0.0.1", str(ports["silent"]), banner, "--as",
                                         "banner", "--timeout", "2500ms", "--format", "json"])
            terminal = run.err
            suite.check(run.rc == 2, f"exit code {run.rc}, expected 2 (the silent target)",
                        f"terminal: {pc.shorten(terminal, 600)!r}")
            suite.check(PROGRESS.fullmatch(terminal) is not None,
                        "the terminal did not receive progress lines, erased at the end",
                        f"terminal: {pc.shorten(terminal, 600)!r}")
            suite.check(b"targets 1/2, 1 open, 1 answered" in terminal,
                        "no progress line counted the banner target done while the silent one went on",
                        f"terminal: {pc.shorten(terminal, 600)!r}")
            suite.check(b"\r" not in run.out and b"\x1b" not in run.out, "progress artefacts (CR/ESC) on stdout",
                        run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
