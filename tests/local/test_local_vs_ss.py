#!/usr/bin/python3
"""`portent local` against ss (iproute2), the real peer, in a private network namespace.

The test starts known sockets (TCP and UDP, IPv4 and IPv6, wildcard, dual-stack, v6only, bound to a
device, bound but not listening, connected) in processes of root and of nobody, and xinetd's internal
services, then compares `portent local --format json` field by field with `ss -H -tulpn` run right
after it: the same sockets and the same processes, as root and as nobody (setpriv), whose view of
other users' processes is limited. /proc/net (PORTENT_LOCAL_SOURCE=proc) must give what netlink gives.
Usage: test_local_vs_ss.py PORTENT_BINARY   (needs root for unshare -n; skips with 77 otherwise)
"""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "probe"))
import daemons  # noqa: E402
import probe_common as pc  # noqa: E402
from local_common import portent_view, ss_view, wait_for_xinetd, SS_STATES  # noqa: E402

PORTENT = pc.portent_binary()
if os.geteuid() == 0 and os.environ.get(pc.NETNS_MARKER) != "1":
    trial = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    if trial.returncode != 0:  # a chroot or container that refuses new network namespaces
        pc.skip(f"unshare -n is not permitted here: {trial.stderr.decode(errors='replace').strip()}")
pc.enter_private_netns()
pc.require_tools("ss", "setpriv", "xinetd", "unshare")

LISTENERS = os.path.join(HERE, "listeners.py")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

SERVICES_DB = """\
# the test's own database, so that nothing depends on the machine's /etc/services
ssh             22/tcp                          # SSH Remote Login
daytime         13/tcp
daytime         13/udp
echo            7/tcp
domain          53/udp
ntp             123/udp                         # Network Time Protocol
http-alt        8080/tcp        webcache        # HTTP Alternate
portent-test    2222/tcp        pt-alias        # a service of the test's own
"""
# What that database gives each (protocol, port): name, aliases, comment. Other ports are unregistered.
NAMES = {
    ("tcp", 22): ("ssh", [], "SSH Remote Login"),
    ("tcp", 13): ("daytime", [], ""),
    ("udp", 13): ("daytime", [], ""),
    ("tcp", 7): ("echo", [], ""),
    ("udp", 53): ("domain", [], ""),
    ("udp", 123): ("ntp", [], "Network Time Protocol"),
    ("tcp", 8080): ("http-alt", ["webcache"], "HTTP Alternate"),
    ("tcp", 2222): ("portent-test", ["pt-alias"], "a service of the test's own"),
}

ROOT_SOCKETS = [
    {"name": "ssh", "protocol": "tcp", "address": "0.0.0.0", "port": 22},
    {"name": "alt", "protocol": "tcp", "address": "127.0.0.2", "port": 8080, "share": True},
    {"name": "dual", "protocol": "tcp", "address": "::", "port": 2222, "v6only": False},
    {"name": "v6only", "protocol": "tcp", "address": "::", "port": 2223, "v6only": True},
    {"name": "loop6", "protocol": "tcp", "address": "::1", "port": 2224},
    {"name": "device", "protocol": "tcp", "address": "127.0.0.1", "port": 40003, "device": "lo"},
    {"name": "bound", "protocol": "tcp", "address": "127.0.0.1", "port": 40002, "listen": False},
    {"name": "dns", "protocol": "udp", "address": "127.0.0.1", "port": 53},
    {"name": "ntp6", "protocol": "udp", "address": "::1", "port": 123},
    {"name": "unregistered", "protocol": "udp", "address": "0.0.0.0", "port": 40000},
    {"name": "udp-connected", "protocol": "udp", "address": "127.0.0.1", "port": 40001,
     "connect": ["127.0.0.1", 53]},
    {"name": "connection", "accept_from": "ssh"},
]
NOBODY_SOCKETS = [
    {"name": "web", "protocol": "tcp", "address": "127.0.0.1", "port": 8081},
    {"name": "any6", "protocol": "udp", "address": "::", "port": 40010, "v6only": False},
]

XINETD_SERVICES = [("daytime", "stream", "tcp"), ("daytime", "dgram", "udp"), ("echo", "stream", "tcp")]

class World:
    """What the test started: pids, and the database path."""

    def __init__(self, db, root, nobody, xinetd_pid):
        self.db = db
        self.root_pid = root["pid"]
        self.sleep_pid = root["sleep_pid"]
        self.nobody_pid = nobody["pid"]
        self.xinetd_pid = xinetd_pid
        self.client_port = root["ports"]["connection.client"]

    def expected_listening(self):
        """(protocol, address, port, state) -> the (command, pid) set that holds it, as root sees it."""
        root = {("lsn-root", self.root_pid)}
        expected = {
            ("tcp", "0.0.0.0", 22, "listen"): root,
            ("tcp", "127.0.0.2", 8080, "listen"): root | {("sleep", self.sleep_pid)},
            ("tcp", "::", 2222, "listen"): root,
            ("tcp", "::", 2223, "listen"): root,
            ("tcp", "::1", 2224, "listen"): root,
            ("tcp", "127.0.0.1", 40003, "listen"): root,
            ("udp", "127.0.0.1", 53, "unconnected"): root,
            ("udp", "::1", 123, "unconnected"): root,
            ("udp", "0.0.0.0", 40000, "unconnected"): root,
            ("tcp", "127.0.0.1", 8081, "listen"): {("lsn-nobody", self.nobody_pid)},
            ("udp", "::", 40010, "unconnected"): {("lsn-nobody", self.nobody_pid)},
        }
        expected[("tcp", "127.0.0.1", 13, "listen")] = {("xinetd", self.xinetd_pid)}
        expected[("udp", "127.0.0.1", 13, "unconnected")] = {("xinetd", self.xinetd_pid)}
        expected[("tcp", "127.0.0.1", 7, "listen")] = {("xinetd", self.xinetd_pid)}
        return expected

    def portent(self, *args, prefix=(), env=None):
        return pc.run([PORTENT, "--db", self.db, *args], timeout=30, prefix=prefix, env=env)


def json_of(suite, run):
    suite.require(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())
    suite.check(run.err == b"", "stderr is not empty", run.describe())
    try:
        return json.loads(run.out)
    except ValueError as e:
        suite.require(False, f"stdout is not JSON ({e})", run.describe())


def compare_with_ss(suite, world, portent_args, ss_args, prefix=(), ss_states=None):
    """portent and ss, one right after the other; returns portent's document."""
    run = world.portent("local", *portent_args, "--format", "json", prefix=prefix)
    ss = pc.run(["ss", "-H", "-n", "-p", *ss_args], timeout=30, prefix=prefix)
    suite.require(ss.rc == 0, "ss failed", ss.describe())
    document = json_of(suite, run)
    ours, theirs = portent_view(document), ss_view(ss.out, ss_states)
    suite.check(ours == theirs, "portent and ss differ (netid, state, local, peer, processes)",
                f"only portent: {sorted((ours - theirs).elements())}\n"
                f"only ss:      {sorted((theirs - ours).elements())}\n{ss.describe()}")
    return document


def by_key(document):
    return {(s["protocol"], s["address"], s["port"], s["state"]): s for s in document}


def check_truth(suite, world, document, visible_pids):
    """The sockets the test made, each with its processes (those the caller may see) and its name."""
    got = by_key(document)
    expected = world.expected_listening()
    suite.check(set(got) == set(expected), "not the sockets the test made",
                f"missing: {sorted(set(expected) - set(got))}\nextra: {sorted(set(got) - set(expected))}")
    for key, holders in expected.items():
        s = got.get(key)
        if s is None:
            continue
        seen = {(p["command"], p["pid"]) for p in s["processes"]}
        want = {(command, pid) for command, pid in holders if pid in visible_pids}
        suite.check(seen == want, f"{key}: processes {sorted(seen)}, expected {sorted(want)}", repr(s))
        name, aliases, comment = NAMES.get((key[0], key[2]), (None, [], None))
        suite.check((s["name"], s["aliases"], s["comment"]) == (name, aliases, comment),
                    f"{key}: named {(s['name'], s['aliases'], s['comment'])}, expected {(name, aliases, comment)}")
        suite.check(s["service_port"] == key[2], f"{key}: service_port {s['service_port']}")
        owner = "nobody" if ("lsn-nobody", world.nobody_pid) in holders else "root"
        users = {(p["command"], p["user"], p["uid"]) for p in s["processes"]}
        suite.check(users <= {(command, owner, 65534 if owner == "nobody" else 0) for command, _ in holders},
                    f"{key}: the processes' users {sorted(users)}, expected {owner}")
        suite.check(s["user"] == owner and s["uid"] == (65534 if owner == "nobody" else 0),
                    f"{key}: user {s['user']!r} uid {s['uid']}, expected {owner}")
    suite.check(not any(s["port"] == 40002 for s in document), "a TCP socket bound but not listening is listed")


def check_root_view(suite, world):
    with suite.case("root: portent local = ss -tulpn, and the sockets the test made"):
        document = compare_with_ss(suite, world, [], ["-tul"])
        every_pid = {world.root_pid, world.sleep_pid, world.nobody_pid, world.xinetd_pid}
        check_truth(suite, world, document, every_pid)
        got = by_key(document)
        dual, v6only = got.get(("tcp", "::", 2222, "listen")), got.get(("tcp", "::", 2223, "listen"))
        suite.check(dual is not None and dual["v6only"] is False, f"[::]:2222 is dual-stack: {dual!r}")
        suite.check(v6only is not None and v6only["v6only"] is True, f"[::]:2223 is v6only: {v6only!r}")
        device = got.get(("tcp", "127.0.0.1", 40003, "listen"))
        suite.check(device is not None and device["interface"] == "lo", f"40003 is bound to lo: {device!r}")
        suite.check(all(s["v6only"] is None for s in document if ":" not in s["address"]),
                    "an IPv4 socket has a v6only value")


def check_nobody_view(suite, world):
    with suite.case("nobody (setpriv): portent local = ss -tulpn; other users' processes are not shown"):
        document = compare_with_ss(suite, world, [], ["-tul"], prefix=NOBODY)
        check_truth(suite, world, document, {world.nobody_pid})
        run = world.portent("local", prefix=NOBODY)
        text = run.out.decode()
        suite.check(re.search(rf"^127\.0\.0\.1:8081/tcp +unregistered +lsn-nobody \(pid {world.nobody_pid}\) "
                              r"+nobody$", text, re.M), "nobody's own listener with its process", run.describe())
        suite.check(re.search(r"^0\.0\.0\.0:22/tcp +ssh +- +root +SSH Remote Login$", text, re.M),
                    "root's listener without a process", run.describe())


def check_all(suite, world):
    with suite.case("--all: connected sockets too, = ss -tuanp (the states portent lists)"):
        document = compare_with_ss(suite, world, ["--all"], ["-tua"], ss_states=set(SS_STATES))
        connected = [s for s in document if s["remote_address"] is not None]
        keys = {(s["protocol"], s["port"], s["remote_port"], s["name"], s["service_port"]) for s in connected}
        expected = {("tcp", 22, world.client_port, "ssh", 22),  # accepted by the ssh listener
                    ("tcp", world.client_port, 22, "ssh", 22),  # its client end: named for the remote port
                    ("udp", 40001, 53, "domain", 53)}           # a connected UDP socket
        suite.check(keys == expected, f"connections {sorted(keys)}, expected {sorted(expected)}")
        suite.check(all(s["state"] == "established" for s in connected), "a connection is not established")
        run = world.portent("local", "--all")
        suite.check(re.search(rf"^127\.0\.0\.1:{world.client_port}/tcp +127\.0\.0\.1:22 +established +ssh ",
                              run.out.decode(), re.M), "the client end in the table", run.describe())


def check_fallback(suite, world):
    with suite.case("/proc/net (PORTENT_LOCAL_SOURCE=proc) gives the sockets netlink gives"):
        for extra in ([], ["--all"]):
            netlink = json_of(suite, world.portent("local", *extra, "--format", "json",
                                                   env={**os.environ, "PORTENT_LOCAL_SOURCE": "netlink"}))
            default = json_of(suite, world.portent("local", *extra, "--format", "json"))
            proc = json_of(suite, world.portent("local", *extra, "--format", "json",
                                                env={**os.environ, "PORTENT_LOCAL_SOURCE": "proc"}))
            suite.check(netlink == default, f"netlink alone differs from the default {extra}")
            suite.check(all(s["v6only"] is None and s["interface"] is None for s in proc),
                        "/proc/net cannot tell v6only or the device, yet a value is given")

            def strip(document):
                return [{k: v for k, v in s.items() if k not in ("v6only", "interface")} for s in document]

            suite.check(strip(proc) == strip(netlink), f"/proc/net and netlink differ {extra}",
                        f"proc:    {strip(proc)}\nnetlink: {strip(netlink)}")
            suite.check(len(proc) >= 14, f"/proc/net found {len(proc)} sockets {extra}")
        run = world.portent("local", env={**os.environ, "PORTENT_LOCAL_SOURCE": "bogus"})
        suite.check(run.rc == 1 and b"PORTENT_LOCAL_SOURCE" in run.err, "an unknown source is an error",
                    run.describe())


def check_table(suite, world):
    with suite.case("table: the process beside the service"):
        run = world.portent("local")
        suite.require(run.rc == 0, f"exit code {run.rc}", run.describe())
        lines = run.out.decode().splitlines()
        suite.check(re.fullmatch(r"LISTEN +SERVICE +PROCESS +USER +COMMENT", lines[0]), f"header {lines[0]!r}")
        rows = [
            rf"127\.0\.0\.2:8080/tcp +http-alt +lsn-root \(pid {world.root_pid}\), sleep \(pid {world.sleep_pid}\)"
            r" +root +HTTP Alternate",
            rf"0\.0\.0\.0:40000/udp +unregistered +lsn-root \(pid {world.root_pid}\) +root",
            r"\*:2222/tcp +portent-test +.* +a service of the test's own",
            r"\[::\]:2223/tcp +unregistered +.*",
            r"\[::1\]:123/udp +ntp +.*Network Time Protocol",
            r"127\.0\.0\.1%lo:40003/tcp +unregistered +.*",
            rf"127\.0\.0\.1:13/udp +daytime +xinetd \(pid {world.xinetd_pid}\) +root",
        ]
        for row in rows:
            suite.check(any(re.fullmatch(row, line) for line in lines), f"no row like {row!r}", run.describe())
        ports = [int(re.search(r":(\d+)/", line)[1]) for line in lines[1:]]
        suite.check(ports == sorted(ports), f"rows not in port order: {ports}")


def check_queries(suite, world):
    with suite.case("QUERY filters and exit codes"):
        def ports_of(*args, rc=0):
            run = world.portent("local", *args, "--format", "json")
            suite.check(run.rc == rc, f"local {' '.join(args)}: exit code {run.rc}, expected {rc}", run.describe())
            try:
                return sorted((s["port"], s["protocol"]) for s in json.loads(run.out)), run
            except ValueError:
                suite.check(False, f"local {' '.join(args)}: not JSON", run.describe())
                return None, run

        suite.check(ports_of("ssh")[0] == [(22, "tcp")], "ssh")
        suite.check(ports_of("webcache")[0] == [(8080, "tcp")], "an alias")
        suite.check(ports_of("daytime")[0] == [(13, "tcp"), (13, "udp")], "daytime: tcp and udp")
        suite.check(ports_of("13/udp")[0] == [(13, "udp")], "13/udp")
        suite.check(ports_of("2000-2300")[0] == [(2222, "tcp"), (2223, "tcp"), (2224, "tcp")], "a range")
        suite.check(ports_of("-p", "udp", "13")[0] == [(13, "udp")], "-p udp narrows a port")
        udp = ports_of("-p", "udp")[0]
        suite.check(udp and all(protocol == "udp" for _, protocol in udp) and len(udp) == 5, f"-p udp: {udp}")
        found, run = ports_of("ssh", "9", rc=2)
        suite.check(found == [(22, "tcp")] and run.err == b"portent: 9: no local socket\n",
                    "a query that matches nothing: exit 2, the others still listed", run.describe())
        found, run = ports_of("nosuch", rc=2)
        suite.check(found == [] and b"nosuch: no such service in " in run.err, "an unknown name", run.describe())
        for args in (["-p", "sctp"], ["22/sctp"]):
            run = world.portent("local", *args)
            suite.check(run.rc == 1 and run.out == b"", f"local {' '.join(args)}: exit {run.rc}, expected 1",
                        run.describe())
        json_run = world.portent("local", "--all", "--format", "json")
        jsonl_run = world.portent("local", "--all", "--format", "jsonl")
        lines = [json.loads(line) for line in jsonl_run.out.decode().splitlines()]
        suite.check(jsonl_run.rc == 0 and lines == json.loads(json_run.out), "jsonl is the array, a line each",
                    jsonl_run.describe())


def check_empty(suite, world):
    with suite.case("a namespace where nothing listens: exit 2"):
        run = world.portent("local", prefix=["unshare", "-n"])
        suite.check(run.rc == 2 and run.out == b"" and run.err == b"", "table: nothing, exit 2", run.describe())
        run = world.portent("local", "--format", "json", prefix=["unshare", "-n"])
        suite.check(run.rc == 2 and run.out == b"[]\n", "json: [], exit 2", run.describe())


def check_hostile_name(suite, world):
    with suite.case("a process name with terminal escapes is shown escaped"):
        name = "ev\x1b]0;x\x07il"
        spec = [{"name": "h", "protocol": "tcp", "address": "127.0.0.3", "port": 40050}]
        with pc.background([pc.PYTHON, LISTENERS, name, json.dumps(spec)], ready_line=True):
            run = world.portent("local", "40050")
            suite.check(run.rc == 0 and pc.has_raw_control_bytes(run.out) is None, "raw control bytes in the table",
                        run.describe())
            suite.check(b"ev\\e]0;x\\x07il" in run.out, "the name escaped", run.describe())
            document = json_of(suite, world.portent("local", "40050", "--format", "json"))
            suite.check([p["command"] for s in document for p in s["processes"]] == [name], "the name in JSON",
                        repr(document))


def main():
    suite = pc.Suite("local.vs_ss")
    with tempfile.TemporaryDirectory(prefix="portent-local-") as tmp:
        os.chmod(tmp, 0o755)  # nobody reads the database too
        db = os.path.join(tmp, "services")
        with open(db, "w") as f:
            f.write(SERVICES_DB)
        os.chmod(db, 0o644)
        xinetd = daemons.xinetd(tmp, XINETD_SERVICES)
        root = [pc.PYTHON, LISTENERS, "lsn-root", json.dumps(ROOT_SOCKETS)]
        nobody = [*NOBODY, pc.PYTHON, LISTENERS, "lsn-nobody", json.dumps(NOBODY_SOCKETS)]
        with pc.background(xinetd) as (xinetd_process, _), \
                pc.background(root, ready_line=True) as (_, root_line), \
                pc.background(nobody, ready_line=True) as (_, nobody_line):
            wait_for_xinetd(tmp)
            world = World(db, json.loads(root_line), json.loads(nobody_line), xinetd_process.pid)
            check_root_view(suite, world)
            check_nobody_view(suite, world)
            check_all(suite, world)
            check_fallback(suite, world)
            check_table(suite, world)
            check_queries(suite, world)
            check_empty(suite, world)
            check_hostile_name(suite, world)
    suite.finish()


if __name__ == "__main__":
    main()
