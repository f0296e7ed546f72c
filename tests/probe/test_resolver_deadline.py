#!/usr/bin/python3
"""A resolver that never answers must not hold `portent probe` past its deadline.

In private mount and network namespaces, /etc/resolv.conf names 127.0.0.1 (where a UDP socket
takes queries and never answers) with the resolver's own timeouts at 5 s x 3 attempts, and
nsswitch.conf asks DNS only. `portent probe --timeout 500ms` on a name must then end in about
half a second, with the target's result (state error, the reason) on stdout and exit 2. Usage: test_resolver_deadline.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import probe_common as pc  # noqa: E402


def fail(message):
    print("probe.resolver_deadline: FAIL: " + message)
    sys.exit(1)


def inner(portent, workdir):
    resolv = os.path.join(workdir, "resolv.conf")
    nsswitch = os.path.join(workdir, "nsswitch.conf")
    with open(resolv, "w") as out:
        out.write("nameserver 127.0.0.1\noptions timeout:5 attempts:3\n")
    with open(nsswitch, "w") as out:
        out.write("hosts: dns\n")
    pc.mount_over_etc(resolv, "resolv.conf")
    pc.mount_over_etc(nsswitch, "nsswitch.conf")
    black_hole = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    black_hole.bind(("127.0.0.1", 53))  # takes every query, answers none
    started = time.monotonic()
    run = subprocess.run([portent, "probe", "--timeout", "500ms", "service.portent.test", "80/tcp",
                          "--format", "json"], capture_output=True, timeout=30)
    elapsed = time.monotonic() - started
    black_hole.close()
    stderr = run.stderr.decode("utf-8", "replace")
    if run.returncode != 2:
        fail("exit code %d, expected 2; stderr: %r" % (run.returncode, stderr))
    if elapsed > 3:
        fail("took %.1f s with --timeout 500ms: the resolver held the run" % elapsed)
    try:
        results = json.loads(run.stdout)
    except ValueError as error:
        fail("stdout is not JSON (%s): %r" % (error, run.stdout))
    if len(results) != 1 or results[0]["state"] != "error" or results[0]["address"] is not None \
            or "resolver" not in (results[0]["detail"] or ""):
        fail("expected one result, state error, no address, a detail naming the resolver: %r" % results)
    if stderr:
        fail("expected nothing on stderr, got %r" % stderr)
    print("probe.resolver_deadline: ended in %.2f s: %s" % (elapsed, results[0]["detail"]))

    # Ctrl-C while the resolver is silent: the run stops at once, its target marked interrupted.
    black_hole = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    black_hole.bind(("127.0.0.1", 53))
    probe = subprocess.Popen([portent, "probe", "--timeout", "10s", "service.portent.test", "80/tcp",
                              "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    signalled = time.monotonic()
    probe.send_signal(signal.SIGINT)
    try:
        out, err = probe.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        probe.kill()
        fail("SIGINT during the host look-up did not stop the run within 10 s")
    black_hole.close()
    took = time.monotonic() - signalled
    if probe.returncode != 130 or took > 2:
        fail("SIGINT during the look-up: exit code %d after %.1f s, expected 130 at once; stderr %r"
             % (probe.returncode, took, err))
    results = json.loads(out)
    if len(results) != 1 or results[0]["state"] != "interrupted":
        fail("SIGINT during the look-up: expected one result, state interrupted: %r" % results)
    print("probe.resolver_deadline: SIGINT during the look-up ended the run %.2f s later" % took)


def main():
    portent = pc.portent_binary()
    pc.enter_private_netns(mounts=True)
    with tempfile.TemporaryDirectory(prefix="portent-resolver-") as workdir:
        inner(portent, workdir)


if __name__ == "__main__":
    main()
