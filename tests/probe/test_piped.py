#!/usr/bin/python3
"""portent probe progress goes to stderr only on a terminal: piped runs have no progress noise.
Runs in a private network namespace (unshare -n, needs root). Usage: test_piped.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import pty  # noqa: E402
import select  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()


def run_with_terminal_stderr(argv, timeout=30):
    """stdout piped, stderr a pseudo-terminal: returns (rc, stdout bytes, what the terminal got)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                                preexec_fn=pc.die_with_parent)
        os.close(slave)
        slave = None
        terminal = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every writer of the terminal has gone
                    chunk = b""
                terminal += chunk
                if not chunk and proc.poll() is not None:
                    break
            elif proc.poll() is not None:
                break
        if proc.poll() is None:
            proc.kill()
        out = proc.stdout.read()
        proc.wait()
        return proc.returncode, out, terminal
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)


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
            if run.err:
                suite.note(f"stderr of a piped exit-2 run: {run.err!r}")

        with suite.case("stderr a terminal, stdout piped: stdout stays clean JSON"):
            rc, out, terminal = run_with_terminal_stderr(
                [PORTENT, "probe", "127.0.0.1", slow, banner, "--as", "banner", "--timeout", "3s", "--format", "json"])
            suite.check(rc == 0, f"exit code {rc}, expected 0", f"stdout: {out!r}\nterminal: {terminal!r}")
            try:
                document = json.loads(out)
                problems = pc.validate_results(document)
                suite.check(not problems, "JSON does not match the schema", "\n".join(problems))
            except ValueError as e:
                suite.check(False, f"stdout is not JSON ({e})", f"stdout: {out!r}")
            suite.note(f"what the terminal on stderr received: {pc.shorten(terminal, 300)!r}")
    suite.finish()


if __name__ == "__main__":
    main()
