#!/usr/bin/python3
"""portent probe --identify against nmap -sV --version-light on the same 1,005 loopback targets: real
servers from Debian packages (sshd, OpenSMTPD, vsftpd, Dovecot IMAP and POP3, Redis, memcached,
Mosquitto, nginx HTTP and HTTPS, PostgreSQL, and xinetd's echo, daytime, chargen and time), each
listening on every loopback address of a private network namespace that this script makes (root
only), probed on 127.0.1.1-67 × 15 ports. The two run in turn, RUNS times each (default 3); then the
names each gave are compared where both named one. portent's deadline is 5 s (nmap waits 6 s for
what a server says unasked): servers that fork a process for each connection (Dovecot's logins,
which greet only once their auth process answers) greet late under a burst of a thousand.

    bench/probe/identify_vs_nmap.py PORTENT_BINARY [RUNS]

Needs nmap and the servers (scripts/setup.sh installs them). Env: KEEP=PATH keeps portent's last
JSON results there; SKIP_NMAP=1 runs portent alone. Run by hand, never by ctest."""

import sys

sys.dont_write_bytecode = True

import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import xml.etree.ElementTree as ElementTree  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "probe"))
import probe_common as pc  # noqa: E402
import real_servers  # noqa: E402
from daemons import xinetd  # noqa: E402

PORTENT = pc.portent_binary()
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
pc.enter_private_netns()

PORTS = {"ssh": 2222, "smtp": 2525, "ftp": 2121, "imap": 1143, "pop3": 1110, "redis": 6390, "memcached": 11299,
         "mqtt": 18830, "http": 8088, "https": 8443, "postgresql": 15432}
XINETD = {"echo": 7, "daytime": 13, "chargen": 19, "time": 37}
HOSTS = "127.0.1.1-67"
SERVERS = ["ssh", "smtp", "ftp", "dovecot", "redis", "memcached", "mqtt", "nginx", "postgresql"]


def nmap_name(service):
    """nmap's name of a service as portent names it: TLS tunnels as their TLS form."""
    if service is None:
        return None
    name = service.get("name")
    if name in (None, "", "unknown", "tcpwrapped"):
        return None
    if service.get("tunnel") == "ssl":
        return {"http": "https", "imap": "imaps", "pop3": "pop3s", "smtp": "submissions"}.get(name, "ssl/" + name)
    return name


def timed(argv, out_path):
    start = time.monotonic()
    with open(out_path, "wb") as out:
        done = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE, timeout=1800)
    elapsed = time.monotonic() - start
    if done.returncode not in (0, 2):
        pc.die(f"{argv[0]} exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def main():
    pc.require_tools("nmap")
    with tempfile.TemporaryDirectory(prefix="portent-bench-identify-") as tmp, contextlib.ExitStack() as servers:
        os.chmod(tmp, 0o755)
        for name in SERVERS:
            servers.enter_context(real_servers.start(name, os.path.join(tmp, name), PORTS, address="0.0.0.0"))
        servers.enter_context(pc.background(xinetd(tmp, address="0.0.0.0")))
        ports = sorted([*PORTS.values(), *XINETD.values()])
        for port in ports:
            if not pc.wait_for_tcp("127.0.1.67", port, 15):
                pc.die(f"nothing listens on 127.0.1.67:{port}")
        port_list = ",".join(map(str, ports))
        portent_cmd = [PORTENT, "probe", "--identify", "--timeout", "5s", "--format", "json", HOSTS, "--",
                       *[f"{p}/tcp" for p in ports]]
        nmap_cmd = ["nmap", "-sV", "--version-light", "-Pn", "-n", "-p", port_list, HOSTS, "-oX",
                    os.path.join(tmp, "nmap.xml")]
        nmap_version = subprocess.run(["nmap", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        print(f"machine:  {os.uname().release}, {os.cpu_count()} cores, load {open('/proc/loadavg').read().strip()}")
        print(f"nmap:     {nmap_version}")
        print(f"targets:  {HOSTS} x {len(ports)} ports = {67 * len(ports)}")
        print(f"portent:  {' '.join(portent_cmd)}")
        print(f"nmap:     {' '.join(nmap_cmd)}")
        portent_times, nmap_times = [], []
        for _ in range(RUNS):
            portent_times.append(timed(portent_cmd, os.path.join(tmp, "portent.json")))
            if os.environ.get("SKIP_NMAP"):
                nmap_times.append(float("nan"))
                continue
            nmap_times.append(timed(nmap_cmd, os.path.join(tmp, "nmap.out")))
            print(f"run: portent {portent_times[-1]:.2f} s, nmap {nmap_times[-1]:.2f} s", flush=True)
        print(f"load after: {open('/proc/loadavg').read().strip()}")
        if os.environ.get("KEEP"):
            import shutil
            shutil.copy(os.path.join(tmp, "portent.json"), os.environ["KEEP"])

        if os.environ.get("SKIP_NMAP"):
            return
        ours = {(r["host"], r["port"]): r for r in json.load(open(os.path.join(tmp, "portent.json")))}
        theirs = {}
        for host in ElementTree.parse(os.path.join(tmp, "nmap.xml")).getroot().iter("host"):
            address = host.find("address").get("addr")
            for port in host.iter("port"):
                service = port.find("service")
                theirs[(address, int(port.get("portid")))] = (
                    nmap_name(service), service.get("product") if service is not None else None)
        both = same = 0
        differ, only_ours, only_theirs, unnamed = {}, {}, {}, {}
        for key, result in ours.items():
            mine = result["service"]
            their, _ = theirs.get(key, (None, None))
            port = key[1]
            if mine and their:
                both += 1
                if mine == their:
                    same += 1
                else:
                    differ[(port, mine, their)] = differ.get((port, mine, their), 0) + 1
            elif mine:
                only_ours[(port, mine)] = only_ours.get((port, mine), 0) + 1
            elif their:
                only_theirs[(port, their)] = only_theirs.get((port, their), 0) + 1
            else:
                unnamed[port] = unnamed.get(port, 0) + 1
        print()
        print(f"portent wall: median {statistics.median(portent_times):.2f} s of {RUNS}")
        print(f"nmap wall:    median {statistics.median(nmap_times):.2f} s of {RUNS}")
        print(f"wall ratio portent/nmap (medians): "
              f"{statistics.median(portent_times) / statistics.median(nmap_times):.3f} (target <= 0.25)")
        print(f"targets named by both: {both}, the same name: {same}")
        for (port, mine, their), count in sorted(differ.items()):
            print(f"  differ on {port}: portent {mine}, nmap {their} ({count} targets)")
        for (port, mine), count in sorted(only_ours.items()):
            print(f"  named by portent alone on {port}: {mine} ({count} targets)")
        for (port, their), count in sorted(only_theirs.items()):
            print(f"  named by nmap alone on {port}: {their} ({count} targets)")
        for port, count in sorted(unnamed.items()):
            print(f"  named by neither on {port} ({count} targets)")


if __name__ == "__main__":
    main()
