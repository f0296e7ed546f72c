"""Real servers from Debian packages for the TLS and UDP tests, each started in the foreground on a
non-standard loopback port under a configuration the test writes, and stopped by the test.

A server whose program is missing, or that does not come up, skips the test (exit 77) with the
reason. Not a test itself."""

import contextlib
import os
import shutil
import subprocess
import time

import probe_common as pc

READY_SECONDS = 15


def need(program, package):
    if shutil.which(program) is None and not os.path.exists(program):
        pc.skip(f"{program} is missing: install {package} (scripts/setup.sh does)")


# xinetd's internal services that the tests use, each (name, socket_type, protocol).
XINETD_SERVICES = [("daytime", "stream", "tcp"), ("daytime", "dgram", "udp"), ("time", "stream", "tcp"),
                   ("time", "dgram", "udp"), ("echo", "stream", "tcp"), ("echo", "dgram", "udp"),
                   ("chargen", "stream", "tcp")]


def xinetd_config(log_path, services=XINETD_SERVICES, address="127.0.0.1"):
    """An xinetd configuration that serves xinetd's internal `services`, each (name, socket_type,
    protocol), on `address` (their standard ports: xinetd serves them nowhere else)."""
    blocks = [f"defaults\n{{\n    instances = 100\n    cps = 1000 1\n    log_type = FILE {log_path}\n}}\n"]
    for service, socket_type, protocol in services:
        blocks.append(f"""service {service}
{{
    type        = INTERNAL
    id          = {service}-{socket_type}
    socket_type = {socket_type}
    protocol    = {protocol}
    user        = root
    wait        = {"yes" if socket_type == "dgram" else "no"}
    bind        = {address}
    disable     = no
}}
""")
    return "\n".join(blocks)


def xinetd(directory, services=XINETD_SERVICES, address="127.0.0.1"):
    """The command that runs xinetd in the foreground serving `services` on `address`
    (xinetd_config); its configuration, log (xinetd.log) and pid file are written in `directory`."""
    conf = os.path.join(directory, "xinetd.conf")
    with open(conf, "w") as f:
        f.write(xinetd_config(os.path.join(directory, "xinetd.log"), services, address))
    return ["xinetd", "-f", conf, "-dontfork", "-stayalive", "-pidfile", os.path.join(directory, "xinetd.pid")]


def udp_bound(port):
    """True when a UDP socket of this namespace is bound to `port` (/proc/net/udp and udp6)."""
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                local = line.split()[1]
                if int(local.rsplit(":", 1)[1], 16) == port:
                    return True
    return False


@contextlib.contextmanager
def running(name, argv, tcp_ports=(), udp_ports=(), log=None, env=None):
    """Runs argv until the block ends; waits (bounded) until its ports are open, or skips saying why."""
    out = open(log, "ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                            preexec_fn=pc.die_with_parent, env=env)
    try:
        deadline = time.monotonic() + READY_SECONDS
        waiting = [("tcp", p) for p in tcp_ports] + [("udp", p) for p in udp_ports]
        while waiting and time.monotonic() < deadline and proc.poll() is None:
            kind, port = waiting[0]
            if (kind == "tcp" and pc.wait_for_tcp("127.0.0.1", port, seconds=0.2)) or (kind == "udp" and udp_bound(port)):
                waiting.pop(0)
            else:
                time.sleep(0.05)
        if waiting:
            tail = ""
            if log and os.path.exists(log):
                with open(log, "rb") as f:
                    tail = pc.shorten(f.read()[-1500:])
            pc.skip(f"{name} did not come up (exit status {proc.poll()}, ports still closed: {waiting}); "
                    f"its log: {tail}")
        yield proc
    finally:
        pc.stop(proc, seconds=10)
        if log:
            out.close()
