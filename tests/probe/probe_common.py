"""Shared helpers for the `portent probe` integration tests (python3 standard library only).

Each test script imports this module; it is not a test itself. Conventions:
  * argv[1] (or $PORTENT) is the portent binary under test;
  * exit 0 = pass, 1 = fail (every failed check is printed), 77 = skipped (only when not root);
  * everything a test starts is stopped by the test (context managers + PR_SET_PDEATHSIG),
    and every wait is bounded.
"""

import contextlib
import ctypes
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
HOSTILE_SERVER = os.path.join(HERE, "hostile_server.py")
NETNS_MARKER = "PORTENT_PROBE_TEST_IN_NETNS"

RESULT_KEYS = {"host", "address", "port", "protocol", "service", "dialogue", "state", "verdict",
               "rtt_ms", "answer", "detail", "tls"}
STATES = {"open", "closed", "filtered", "open|filtered", "error", "interrupted"}


def skip(reason):
    print(f"SKIP: {reason}", flush=True)
    sys.exit(SKIP)


def skip_when_sanitized(measure):
    """Skips in the sanitizer build (ctest sets PORTENT_SANITIZED=1 there), where `measure` means nothing."""
    if os.environ.get("PORTENT_SANITIZED") == "1":
        skip(f"{measure} means nothing under AddressSanitizer (freed memory held in quarantine, shadow memory); "
             "the Release build measures it")


def die(message):
    print(f"FAIL: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def portent_binary():
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORTENT", "")
    if not path:
        die(f"usage: {sys.argv[0]} PORTENT_BINARY   (or set PORTENT)")
    path = os.path.abspath(path)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        die(f"portent binary {path!r} does not exist or is not executable")
    return path


def require_root(why):
    if os.geteuid() != 0:
        skip(f"needs root ({why}); running as uid {os.geteuid()}")


def require_tools(*names):
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        die(f"required tool(s) not installed: {', '.join(missing)}")


def die_with_parent():
    """preexec_fn: the child gets SIGKILL when the test process dies (no orphans after a ctest timeout)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def enter_private_netns(mounts=False):
    """Re-executes this script inside a fresh network namespace (unshare -n) with loopback up.

    The same process image continues (exec, no fork), so ctest's process is the test itself.
    Inside, 127.0.0.1 and ::1 belong to the test alone. mounts: a private mount namespace too
    (unshare -m), where the test may bind-mount its own files (a hosts file) over the machine's."""
    if os.environ.get(NETNS_MARKER) == "1":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=10)
        return
    require_root("creates a private network namespace with unshare -n")
    require_tools("unshare", "ip")
    if mounts:
        allowed = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True,
                                 text=True, timeout=10)
        if allowed.returncode != 0:  # e.g. inside a chroot
            skip("needs a private mount namespace for its own files in /etc, and `unshare -m` is not permitted "
                 "here: " + allowed.stderr.strip())
    os.environ[NETNS_MARKER] = "1"
    script = os.path.abspath(sys.argv[0])
    args = ["unshare", "-n", *(["-m"] if mounts else []), "--", PYTHON, script, *sys.argv[1:]]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp("unshare", args)


def mount_over_etc(source, name):
    """Makes `source` this mount namespace's /etc/NAME (after enter_private_netns(mounts=True)).

    A machine without /etc/NAME (a minimal Debian root has no /etc/hosts) gets one only inside this
    namespace: /etc is overlaid by a writable layer in a temporary directory, and the file is made
    there; the machine's own /etc is never written."""
    target = os.path.join("/etc", name)
    if not os.path.exists(target):
        layer = tempfile.mkdtemp(prefix="portent-etc-")
        upper, work = os.path.join(layer, "upper"), os.path.join(layer, "work")
        os.mkdir(upper)
        os.mkdir(work)
        overlay = subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                                  f"lowerdir=/etc,upperdir={upper},workdir={work}", "/etc"],
                                 capture_output=True, text=True, timeout=10)
        if overlay.returncode != 0:
            skip(f"{target} does not exist and /etc cannot be overlaid to make one: {overlay.stderr.strip()}")
        open(target, "w").close()
    subprocess.run(["mount", "--bind", source, target], check=True, timeout=10)


class Abort(Exception):
    """Ends the current case after a failed `require` (the failure is already recorded)."""


class SkipCase(Exception):
    """Ends the current case as skipped (Suite.skip_case): said as such, never counted as passed."""


class Suite:
    """Collects checks; a failed check is printed at once and the suite keeps going."""

    def __init__(self, name):
        self.name = name
        self.case_name = "-"
        self.failures = []
        self.passed = 0
        self.notes = []
        self.skipped = []

    def skip_case(self, reason):
        """Ends the current case as skipped, with the reason (the rest of the suite goes on)."""
        self.skipped.append(f"[{self.case_name}] {reason}")
        raise SkipCase(reason)

    def check(self, condition, message, evidence=None):
        if condition:
            self.passed += 1
            return True
        text = f"[{self.case_name}] {message}"
        if evidence:
            text += "\n" + indent(evidence)
        self.failures.append(text)
        print(f"FAIL: {text}", flush=True)
        return False

    def require(self, condition, message, evidence=None):
        if not self.check(condition, message, evidence):
            raise Abort()

    def note(self, message):
        print(f"NOTE: [{self.case_name}] {message}", flush=True)
        self.notes.append(f"[{self.case_name}] {message}")

    @contextlib.contextmanager
    def case(self, name):
        self.case_name = name
        print(f"== {name}", flush=True)
        before = len(self.failures)
        try:
            yield
        except Abort:
            pass
        except SkipCase as e:
            print(f"   SKIPPED: {name}: {e}", flush=True)
            self.case_name = "-"
            return
        except Exception:  # a crash in a case is a failure of that case, not of the whole suite
            self.failures.append(f"[{name}] exception:\n{indent(traceback.format_exc())}")
            print(f"FAIL: [{name}] exception:\n{indent(traceback.format_exc())}", flush=True)
        print(f"   {'ok' if len(self.failures) == before else 'FAILED'}: {name}", flush=True)
        self.case_name = "-"

    def finish(self):
        print(f"\n{self.name}: {self.passed} checks passed, {len(self.failures)} failed, "
              f"{len(self.skipped)} cases skipped", flush=True)
        for s in self.skipped:
            print(f"  skipped: {s}", flush=True)
        if self.failures:
            print("Failures:", flush=True)
            for f in self.failures:
                print(f"  - {f}", flush=True)
            sys.exit(1)
        sys.exit(0)


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in str(text).splitlines())


def shorten(data, limit=3000):
    """Text safe to print on the terminal running the tests: control characters escaped, long text cut."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "backslashreplace")
    data = "".join(f"\\x{ord(c):02x}" if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F else c
                   for c in data)
    return data if len(data) <= limit else data[:limit] + f"... [{len(data) - limit} more chars]"


class Run:
    """One finished portent process."""

    def __init__(self, argv, returncode, stdout, stderr, elapsed, max_fds=None):
        self.argv = argv
        self.rc = returncode
        self.out = stdout
        self.err = stderr
        self.elapsed = elapsed
        self.max_fds = max_fds

    def describe(self):
        text = (f"command: {' '.join(self.argv)}\n"
                f"exit code: {self.rc}   wall time: {self.elapsed:.3f} s\n"
                f"stdout: {shorten(self.out)}\n"
                f"stderr: {shorten(self.err)}")
        if self.max_fds is not None:
            text += f"\nmax open fds seen: {self.max_fds}"
        return text

    def stderr_lines(self):
        return self.err.decode("utf-8", "replace").splitlines()


def run(argv, timeout=60, prefix=(), nofile=None, sample_fds=False, env=None, stdin=None):
    """Runs argv (prefix + argv), capturing stdout/stderr; a run past `timeout` is killed and is a failure.

    nofile: soft RLIMIT_NOFILE for the child. sample_fds: count /proc/PID/fd every 20 ms.
    stdin: bytes for the child's standard input (none: /dev/null)."""
    full = [*prefix, *argv]

    def preexec():
        die_with_parent()
        if nofile is not None:
            import resource
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as given:
        if stdin is not None:
            given.write(stdin)
            given.seek(0)
        start = time.monotonic()
        proc = subprocess.Popen(full, stdin=subprocess.DEVNULL if stdin is None else given, stdout=out, stderr=err,
                                preexec_fn=preexec, env=env)
        max_fds = 0 if sample_fds else None
        timed_out = False
        try:
            while True:
                try:
                    proc.wait(timeout=0.02 if sample_fds else timeout)
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() - start > timeout:
                        timed_out = True
                        break
                    if sample_fds:
                        with contextlib.suppress(OSError):
                            max_fds = max(max_fds, len(os.listdir(f"/proc/{proc.pid}/fd")))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        elapsed = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        result = Run(full, proc.returncode, out.read(), err.read(), elapsed, max_fds)
    if timed_out:
        result.err += f"\n[test harness: killed after {timeout} s — the run hung]".encode()
        result.rc = "killed (hung)"
    return result


def peak_rss_run(argv, timeout, stop_after=None):
    """Runs argv, counting the lines of its stdout (its stderr discarded), until it exits; sends it SIGTERM
    once it has written `stop_after` lines, SIGKILL after `timeout` seconds.

    Returns (lines, peak RSS in KiB (wait4's ru_maxrss), exit status, seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            preexec_fn=die_with_parent)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    lines = 0
    signalled = False
    try:
        while True:
            chunk = proc.stdout.read1(1 << 20)
            if not chunk:
                break
            lines += chunk.count(b"\n")
            if stop_after is not None and not signalled and lines >= stop_after:
                proc.send_signal(signal.SIGTERM)
                signalled = True
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return lines, usage.ru_maxrss, proc.returncode, time.monotonic() - start


def run_on_terminal(argv, timeout=30, stderr_terminal=True, signal_after=None, number=signal.SIGINT):
    """Runs argv with stdout captured and stderr a pseudo-terminal (Run.err is what the terminal received) or,
    with stderr_terminal=False, captured; sends signal `number` `signal_after` seconds in, when given.

    Returns (Run, seconds from the signal to the exit, or None when none was sent)."""
    master = slave = None
    if stderr_terminal:
        master, slave = pty.openpty()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=slave if slave else err,
                                preexec_fn=die_with_parent)
        if slave is not None:
            os.close(slave)
        terminal = b""
        signalled = None
        deadline = start + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            if signal_after is not None and signalled is None and time.monotonic() - start >= signal_after:
                proc.send_signal(number)
                signalled = time.monotonic()
            if master is not None:
                ready, _, _ = select.select([master], [], [], 0.02)
                if ready:
                    try:
                        terminal += os.read(master, 65536)
                    except OSError:
                        pass
            else:
                time.sleep(0.02)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        ended = time.monotonic()
        if master is not None:
            while select.select([master], [], [], 0.1)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                terminal += chunk
            os.close(master)
        out.seek(0)
        err.seek(0)
        run = Run(argv, proc.returncode, out.read(), terminal if stderr_terminal else err.read(), ended - start)
    return run, (ended - signalled) if signalled else None


SHOW_ANSWER_KEYS = {"received", "received_base64"}


def validate_results(document, extra_keys=frozenset()):
    """Returns a list of problems with the JSON document against the contract (empty = fine).

    extra_keys: keys each object has beside RESULT_KEYS (SHOW_ANSWER_KEYS with --show-answer)."""
    problems = []
    if not isinstance(document, list):
        return [f"top level is {type(document).__name__}, not an array"]
    for i, r in enumerate(document):
        where = f"result[{i}]"
        if not isinstance(r, dict):
            problems.append(f"{where} is not an object")
            continue
        keys = set(r)
        expected = RESULT_KEYS | set(extra_keys)
        if keys != expected:
            problems.append(f"{where} keys differ: missing {sorted(expected - keys)}, "
                            f"extra {sorted(keys - expected)}")

        def is_number(v):
            return isinstance(v, (int, float)) and not isinstance(v, bool)

        checks = [
            ("host", lambda v: isinstance(v, str)),
            ("address", lambda v: v is None or isinstance(v, str)),
            ("port", lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 65535),
            ("protocol", lambda v: v in ("tcp", "udp")),
            ("service", lambda v: isinstance(v, str)),
            ("dialogue", lambda v: isinstance(v, str) and v != ""),
            ("state", lambda v: v in STATES),
            ("verdict", lambda v: v in ("passed", "failed", None)),
            ("rtt_ms", lambda v: v is None or (is_number(v) and v >= 0)),
            ("answer", lambda v: isinstance(v, str)),
            ("detail", lambda v: v is None or isinstance(v, str)),
            ("tls", lambda v: v is None or (isinstance(v, dict) and isinstance(v.get("trust"), str))),
            ("received", lambda v: isinstance(v, str)),
            ("received_base64", lambda v: v is None or (isinstance(v, str) and v != "")),
        ]
        for key, ok in checks:
            if key in r and not ok(r[key]):
                problems.append(f"{where}.{key} has a bad value: {r[key]!r}")
    return problems


def parse_json_run(suite, result, expect_count=None, extra_keys=frozenset()):
    """Parses and validates a --format json run; records failures in suite; returns the list or raises Abort."""
    try:
        document = json.loads(result.out)  # bytes: must be valid UTF-8 JSON
    except ValueError as e:
        suite.require(False, f"stdout is not valid JSON ({e})", result.describe())
    problems = validate_results(document, extra_keys)
    suite.check(not problems, "JSON results do not match the contract schema",
                "\n".join(problems[:20]) + "\n" + result.describe())
    inconsistent = inconsistencies(document) if isinstance(document, list) else []
    suite.check(not inconsistent, "results contradict themselves", "\n".join(inconsistent[:10]))
    if expect_count is not None:
        suite.require(isinstance(document, list) and len(document) == expect_count,
                      f"expected {expect_count} results, got "
                      f"{len(document) if isinstance(document, list) else 'not a list'}",
                      result.describe())
    return document


NEGATIVE_DETAIL = re.compile(r"only part|differ|fail|mismatch|no complete|incomplete|unfinished|reset|timed? ?out|"
                             r"deadline|expected .* received|wrong|error|refused|unreachable", re.I)


def inconsistencies(results):
    """Results whose fields contradict each other: a passed verdict with a detail that reports a failure,
    or an open target of a judging dialogue without a verdict (the contract: "open; verdict passed/failed
    beside it")."""
    found = []
    for r in results:
        if not isinstance(r, dict):
            continue
        if r.get("verdict") == "passed" and NEGATIVE_DETAIL.search(r.get("detail") or ""):
            found.append(f"verdict passed but the detail reports a failure: {r!r}")
        if r.get("verdict") == "passed" and r.get("state") != "open":
            found.append(f"verdict passed on a target that is not open: {r!r}")
        if r.get("state") == "open" and r.get("verdict") is None and r.get("dialogue") != "generic":
            found.append(f"open without a verdict (dialogue {r.get('dialogue')!r}): {r!r}")
    return found


def find(results, port, protocol):
    hits = [r for r in results if isinstance(r, dict) and r.get("port") == port and r.get("protocol") == protocol]
    return hits[0] if len(hits) == 1 else None


def text_of(result):
    """answer + detail, for wording checks."""
    return f"{result.get('answer') or ''} {result.get('detail') or ''}"


def free_port(host="127.0.0.1", kind=socket.SOCK_STREAM, also=()):
    """A port free on host (and on every (host, kind) in `also`) right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(50):
        with socket.socket(family, kind) as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        try:
            for other_host, other_kind in also:
                other_family = socket.AF_INET6 if ":" in other_host else socket.AF_INET
                with socket.socket(other_family, other_kind) as o:
                    o.bind((other_host, port))
        except OSError:
            continue
        return port
    die("could not find a free port in 50 tries")


def wait_for_tcp(host, port, seconds=10):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            try:
                s.connect((host, port))
                return True
            except OSError:
                time.sleep(0.05)
    return False


def silent_listeners(address, ports):
    """TCP sockets that listen and never accept: a connect completes, and nothing is ever said."""
    keep = []
    for port in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((address, port))
        s.listen(64)
        keep.append(s)
    return keep


@contextlib.contextmanager
def background(argv, ready_line=False, quiet=False):
    """Starts argv; yields (process, first stdout line if ready_line); always terminates it.

    quiet: discard its stderr (e.g. http.server's access log)."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE if ready_line else subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL if quiet else None, preexec_fn=die_with_parent, text=True)
    try:
        line = None
        if ready_line:
            import selectors
            sel = selectors.DefaultSelector()
            sel.register(proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=20):
                raise RuntimeError(f"{argv[0]} did not report ready within 20 s")
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{' '.join(argv)} exited before reporting ready (rc {proc.poll()})")
        yield proc, line
    finally:
        stop(proc)


def web_root(parent, page):
    """A folder www in `parent` whose index.html is `page`; returns its path."""
    www = os.path.join(parent, "www")
    os.mkdir(www)
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write(page)
    return www


def http_server(host, port, directory):
    """The command that runs python's http.server on host, port, serving `directory` (background(),
    quiet=True: it logs each request on stderr)."""
    return [PYTHON, "-m", "http.server", "--bind", host, "--directory", directory, str(port)]


def stop(proc, seconds=5):
    """Ends a process the test started: SIGTERM, then SIGKILL after `seconds`."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def hostile_server(*args):
    """Runs hostile_server.py with args; yields the dict of ports it printed."""
    with background([PYTHON, HOSTILE_SERVER, *args], ready_line=True) as (proc, line):
        yield json.loads(line)


def has_raw_control_bytes(data):
    """Describes the raw control bytes in terminal output (other than newline), or returns None.

    C0 (0x00-0x1f except \\n), DEL, C1 as UTF-8 (U+0080-U+009F) and lone 8-bit C1 bytes (0x80-0x9f not
    inside valid UTF-8) all count: a terminal may act on any of them."""
    found = []
    for i, b in enumerate(data):
        if (b < 0x20 and b != 0x0A) or b == 0x7F:
            found.append((i, f"0x{b:02x}"))
    text = data.decode("utf-8", "surrogateescape")
    pos = 0
    for ch in text:
        cp = ord(ch)
        if 0x80 <= cp <= 0x9F:
            found.append((pos, f"U+{cp:04X} (C1 as UTF-8)"))
        elif 0xDC80 <= cp <= 0xDC9F:
            found.append((pos, f"raw byte 0x{cp - 0xDC00:02x} (8-bit C1)"))
        pos += 1
    if not found:
        return None
    return ", ".join(f"{what} at {where}" for where, what in found[:12]) + (" ..." if len(found) > 12 else "")


def check_exit_code_matches(suite, run, results):
    """Exit code 0 only when every target answered and passed; 2 when some did not."""
    if not isinstance(results, list) or not results:
        return
    not_passed = [r for r in results if r.get("state") != "open" or r.get("verdict") == "failed"]
    all_passed = all(r.get("state") == "open" and r.get("verdict") == "passed" for r in results)
    if not_passed:
        suite.check(run.rc == 2, f"exit code {run.rc}, expected 2 ({len(not_passed)} target(s) did not "
                    "answer or did not pass)", run.describe())
    elif all_passed:
        suite.check(run.rc == 0, f"exit code {run.rc}, expected 0 (every target open and passed)",
                    run.describe())
    else:
        suite.check(run.rc in (0, 2), f"exit code {run.rc}, expected 0 or 2", run.describe())
