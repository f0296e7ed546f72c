#!/usr/bin/python3
"""Soak: 10,000 loopback targets, hostile and well-behaved servers mixed, in one `portent probe` run.

Ten server behaviours (hostile_server.py --spread: a banner, echo, HTTP, 10,000 HTTP headers, a
server that never speaks, one that trickles a byte a second, a flood, a reset in mid-answer, a TLS
handshake that stalls, a 100 KB certificate chain) on 900 ports each, and 1,000 ports where nothing
listens; a services file names each port with the service whose dialogue portent speaks there.
Checks, for the run of 10,000 targets (--format jsonl, --timeout 2s, --parallel 500):
  - it ends within RUN_LIMIT seconds, with exit status 2 (some targets fail, by design);
  - every target is reported once, with the state and verdict its server calls for;
  - portent's open file descriptors (/proc/PID/fd, counted by the test) are as many when it ends
    (held by strace at exit_group) as when it started (held at its first brk), and no more
    than --parallel and a margin in between (counted every 50 ms);
  - its peak RSS (wait4's ru_maxrss) is within RSS_MARGIN_KIB of that of a run of 2,000 targets
    (both --parallel 100, untraced).
Runs in a private network namespace (unshare -n, needs root). Usage: test_soak.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import probe_common as pc  # noqa: E402
import tls_material  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
pc.require_tools("strace", "openssl")

BASE = 20000
RUN_LIMIT = 240
RSS_MARGIN_KIB = 8192  # malloc's share of TLS connections in flight varies from run to run
RSS_PARALLEL = 100
PAUSE_SECONDS = 1  # how long strace holds portent at its start, its first socket and its exit
PARALLEL = 500
FD_MARGIN = 32

# behaviour: (service whose dialogue portent speaks, state, verdict); what each server calls for.
BEHAVIOURS = {
    "banner": ("ssh", "open", "passed"),          # an SSH banner line at once
    "goodecho": ("echo", "open", "passed"),       # RFC 862 echo
    "recorder": ("http", "open", "passed"),       # HTTP/1.1 200 OK
    "headers10k": ("http", "open", "passed"),     # 200 OK; the headers pass the read cap
    "silent": ("ssh", "open", "failed"),          # no banner before the deadline
    "trickle": ("ssh", "open", "failed"),         # no whole line before the deadline
    "flood": ("ssh", "open", "failed"),           # never a line: the read cap
    "reset": ("ssh", "open", "failed"),           # reset before a whole line
    "tls_stall": ("https", "open", "failed"),     # no handshake before the deadline
    "tls_bigchain": ("https", "open", "failed"),  # self-signed: untrusted
}
CLOSED = ("ssh", "closed", None)


def layout(copies, closed):
    """port -> (behaviour, service, state, verdict) for BEHAVIOURS on `copies` ports each, then
    `closed` ports where nothing listens."""
    ports = {}
    port = BASE
    for _ in range(copies):  # interleaved, as hostile_server.py --spread serves them
        for name, (service, state, verdict) in BEHAVIOURS.items():
            ports[port] = (name, service, state, verdict)
            port += 1
    for _ in range(closed):
        ports[port] = ("closed", *CLOSED)
        port += 1
    return ports


def write_services(path, ports):
    with open(path, "w") as out:
        for port, (_, service, _, _) in sorted(ports.items()):
            out.write(f"{service} {port}/tcp\n")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def traced_pid(tracer_pid, seconds=30):
    """The pid of the process strace runs (its child)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with open(f"/proc/{tracer_pid}/task/{tracer_pid}/children") as f:
                children = f.read().split()
            if children:
                return int(children[0])
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError("strace started no process")


def syscall_state(pid):
    """The syscall number portent is stopped in (/proc/PID/syscall), or None when running."""
    try:
        with open(f"/proc/{pid}/syscall") as f:
            text = f.read().split()
    except OSError:
        return None
    return int(text[0]) if text and text[0].lstrip("-").isdigit() else None


SYS_SOCKET = 41
SYS_BRK = 12
SYS_EXIT_GROUP = 231


def soak(database, ports, traced):
    """Runs portent on every port; returns (results by port, exit status, seconds, peak RSS KiB,
    fds before the first socket, fds at exit, lines)."""
    argv = [PORTENT, "probe", "--db", database, "--format", "jsonl", "--timeout", "2s", "--parallel",
            str(PARALLEL), "127.0.0.1", f"{min(ports)}-{max(ports)}/tcp"]
    if traced:  # hold portent at its first brk() (its start), first socket() and exit_group(), to count its fds
        delay = PAUSE_SECONDS * 1_000_000
        argv = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=brk,socket,exit_group",
                "-e", f"inject=brk:delay_enter={delay}:when=1",
                "-e", f"inject=socket:delay_enter={delay // 4}:when=1",
                "-e", f"inject=exit_group:delay_enter={delay}"] + argv
    env = dict(os.environ)
    if traced and "ASAN_OPTIONS" in env:
        # LeakSanitizer cannot run under ptrace (strace): the sanitizer build checks everything
        # else of this run; leaks are checked by every untraced run of the suite.
        env["ASAN_OPTIONS"] += ":detect_leaks=0"
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=pc.die_with_parent, env=env)
    counts = {"peak": 0}

    def watch():
        end = time.monotonic() + RUN_LIMIT
        while time.monotonic() < end and proc.poll() is None:
            try:
                pid = traced_pid(proc.pid)
                state = syscall_state(pid)
                count = fd_count(pid)
            except (OSError, RuntimeError):
                time.sleep(0.01)
                continue
            if state == SYS_BRK and "start" not in counts:
                counts["start"] = count
            if state == SYS_SOCKET and "first socket" not in counts:
                counts["first socket"] = count
            if state == SYS_EXIT_GROUP and "end" not in counts:
                counts["end"] = count
                return
            counts["peak"] = max(counts["peak"], count)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    if traced:
        watcher.start()
    timer = threading.Timer(RUN_LIMIT, proc.kill)
    timer.start()
    out, err = proc.communicate()
    timer.cancel()
    seconds = time.monotonic() - start
    if traced:
        watcher.join(timeout=10)
    results, lines = {}, out.decode("utf-8", "replace").splitlines()
    for line in lines:
        result = json.loads(line)
        results.setdefault(result["port"], []).append(result)
    return results, proc.returncode, seconds, counts, lines, err


def peak_rss(database, ports):
    """Peak RSS (KiB) and exit status of an untraced run on every port, RSS_PARALLEL at a time (fewer
    TLS connections in flight than in the soak, so that their buffers vary less from run to run)."""
    lines, rss, status, _ = pc.peak_rss_run(
        [PORTENT, "probe", "--db", database, "--format", "jsonl", "--timeout", "2s", "--parallel", str(RSS_PARALLEL),
         "127.0.0.1", f"{min(ports)}-{max(ports)}/tcp"], RUN_LIMIT)
    return rss, status, lines


def main():
    suite = pc.Suite("probe.soak")
    work = tempfile.mkdtemp(prefix="portent-soak-")
    try:
        chain, key = tls_material.Material(os.path.join(work, "tls")).long_chain(os.path.join(work, "chain.pem"))
        large, small = layout(900, 1000), layout(180, 200)
        large_db, small_db = os.path.join(work, "large.services"), os.path.join(work, "small.services")
        write_services(large_db, large)
        write_services(small_db, small)
        with pc.hostile_server("--tls-chain", chain, key, "--lifetime", "600", "--spread", str(BASE), "900",
                               *BEHAVIOURS) as served:
            suite.require(all(served["spread"][name] == min(p for p, v in large.items() if v[0] == name)
                              for name in BEHAVIOURS), f"the server's ports are not the test's: {served['spread']}")
            with suite.case("10,000 targets: every target's state, the run's end, fds back to the start"):
                results, status, seconds, counts, lines, err = soak(large_db, large, traced=True)
                suite.note(f"{len(lines)} results in {seconds:.1f} s (with {2.25 * PAUSE_SECONDS} s held by "
                           f"strace), exit {status}; open fds: {counts}")
                suite.check(status == 2, f"exit status {status}, expected 2; stderr: {err[:2000]!r}")
                suite.check(len(lines) == len(large), f"{len(lines)} results for {len(large)} targets")
                wrong = []
                for port, (name, _, state, verdict) in sorted(large.items()):
                    got = results.get(port, [])
                    if len(got) != 1 or got[0]["state"] != state or (verdict and got[0]["verdict"] != verdict):
                        wrong.append(f"{port} ({name}): expected {state}/{verdict}, got "
                                     f"{[(r['state'], r['verdict'], r['detail']) for r in got]}")
                suite.check(not wrong, f"{len(wrong)} targets with the wrong state", "\n".join(wrong[:20]))
                suite.check("start" in counts and "end" in counts, f"fds were not counted: {counts}")
                suite.check(counts.get("start") == counts.get("end"),
                            f"{counts.get('start')} fds open at the start, {counts.get('end')} at exit")
                suite.check(counts["peak"] <= PARALLEL + FD_MARGIN,
                            f"{counts['peak']} fds open at once with --parallel {PARALLEL}")
            with suite.case("peak RSS: 10,000 targets within 8 MiB of 2,000"):
                if os.environ.get("PORTENT_SANITIZED") == "1":
                    # Only this case: the run above still checks states, the end and fds.
                    suite.skip_case("peak RSS means nothing under AddressSanitizer (shadow memory, freed "
                                    "memory in quarantine); the Release build measures it")
                small_rss, small_status, small_lines = peak_rss(small_db, small)
                large_rss, large_status, large_lines = peak_rss(large_db, large)
                suite.note(f"peak RSS {small_rss} KiB for {len(small)} targets, {large_rss} KiB for {len(large)}")
                suite.check(small_lines == len(small) and large_lines == len(large),
                            f"{small_lines} and {large_lines} results for {len(small)} and {len(large)} targets")
                suite.check(large_rss <= small_rss + RSS_MARGIN_KIB,
                            f"peak RSS {large_rss} KiB for {len(large)} targets, {small_rss} KiB for {len(small)}: "
                            f"more than {RSS_MARGIN_KIB} KiB apart")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    suite.finish()


if __name__ == "__main__":
    main()
