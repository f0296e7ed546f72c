#!/usr/bin/python3
"""`portent probe --identify` against real servers from Debian packages, each started by the test on
ports of its own in a private network namespace, under a services database that names every port
"decoy-PORT": the table cannot give the answer away, and every result must flag the disagreement.

Usage: test_identify.py PORTENT_BINARY GROUP
GROUP: ssh, smtp, ftp, dovecot, redis, memcached, mqtt, nginx, postgresql (real_servers.py), xinetd
(its internal services on their standard ports), or timing (servers written here that speak late,
never, or close on what they do not understand)."""

import sys

sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import daemons  # noqa: E402
import probe_common as pc  # noqa: E402
import real_servers  # noqa: E402

PORTENT = pc.portent_binary()
GROUP = sys.argv[2] if len(sys.argv) > 2 else ""
pc.enter_private_netns()

IDENTIFY_KEYS = pc.RESULT_KEYS | {"table_service", "evidence", "product", "version"}

# What each server must be named, from its protocol; the version from its Debian package, None
# where the protocol's answer states none.
EXPECTED = {
    "ssh": ("ssh", "OpenSSH", "openssh-server"),
    "smtp": ("smtp", "OpenSMTPD", None),
    "ftp": ("ftp", "vsFTPd", "vsftpd"),
    "imap": ("imap", "Dovecot", None),
    "pop3": ("pop3", "Dovecot", None),
    "redis": ("redis", "Redis", "redis-server"),
    "memcached": ("memcached", "memcached", "memcached"),
    "mqtt": ("mqtt", None, None),
    "http": ("http", "nginx", "nginx-common"),
    "https": ("https", "nginx", "nginx-common"),
    "postgresql": ("postgresql", "PostgreSQL", None),
}


def decoy_database(path, tcp_ports, udp=()):
    with open(path, "w") as f:
        for port in tcp_ports:
            f.write(f"decoy-{port}\t{port}/tcp\n")
        for name, port in udp:
            f.write(f"{name}\t{port}/udp\n")
    return path


def identify(suite, db, targets, timeout="2s", fmt="json", extra=()):
    run = pc.run([PORTENT, "--db", db, "probe", "--identify", *extra, "--timeout", timeout, "--format", fmt,
                  "127.0.0.1", *targets], timeout=60)
    if fmt != "json":
        return run, None
    try:
        results = json.loads(run.out)
    except ValueError as e:
        suite.require(False, f"stdout is not JSON ({e})", run.describe())
    expected_keys = IDENTIFY_KEYS | ({"received", "received_base64"} if "--show-answer" in extra else set())
    for r in results:
        suite.check(set(r) == expected_keys, f"keys of a result: {sorted(set(r) ^ expected_keys)} differ",
                    repr(r))
    return run, results


def check_named(suite, result, service, product=None, version=None):
    where = f"{result.get('port')}/{result.get('protocol')}"
    suite.check(result["state"] == "open", f"{where}: state {result['state']}", repr(result))
    suite.check(result["service"] == service, f"{where}: service {result['service']!r}, expected {service!r}",
                repr(result))
    suite.check(result["table_service"] == f"decoy-{result['port']}" or result["protocol"] == "udp",
                f"{where}: table_service {result['table_service']!r}", repr(result))
    suite.check(bool(result["evidence"]), f"{where}: no evidence", repr(result))
    suite.check(result["product"] == product, f"{where}: product {result['product']!r}, expected {product!r}",
                repr(result))
    if version is not None:
        suite.check(result["version"] == version, f"{where}: version {result['version']!r}, expected {version!r}",
                    repr(result))


def server_group(suite, group, tmp):
    keys = real_servers.PORTS[group]
    ports = {key: pc.free_port() for key in keys}
    db = decoy_database(os.path.join(tmp, "services"), ports.values())
    with real_servers.start(group, os.path.join(tmp, group), ports):
        with suite.case(f"{group}: identified, product and version, table flagged"):
            run, results = identify(suite, db, [str(ports[k]) for k in keys])
            suite.require(len(results) == len(keys), f"{len(results)} results for {len(keys)} ports", run.describe())
            for key in keys:
                (result,) = [r for r in results if r["port"] == ports[key]]
                service, product, package = EXPECTED[key]
                version = real_servers.package_version(package) if package else None
                suite.check(package is None or version, f"no version of {package} installed")
                check_named(suite, result, service, product, version)
                if key == "https":
                    suite.check(isinstance(result["tls"], dict) and result["tls"]["certificate"]["subject_cn"] ==
                                "localhost", "https: no TLS facts of the server's certificate", repr(result))
        with suite.case(f"{group}: the table says SERVICE (table: NAME)"):
            run, _ = identify(suite, db, [str(ports[k]) for k in keys], fmt="table")
            text = run.out.decode()
            for key in keys:
                flag = f"{EXPECTED[key][0]} (table: decoy-{ports[key]})"
                suite.check(flag in text, f"no {flag!r} in the table", run.describe())
        if group == "ssh":
            with suite.case("ssh: its greeting names it, and nothing is sent to it"):
                log = open(os.path.join(tmp, group, "server.log"), errors="replace").read()
                suite.check("banner exchange" not in log and "Bad protocol" not in log,
                            "sshd was sent something it could not read", pc.shorten(log[-2000:]))


def xinetd(suite, tmp):
    conf = os.path.join(tmp, "xinetd.conf")
    with open(conf, "w") as f:
        f.write(daemons.xinetd_config(os.path.join(tmp, "xinetd.log")))
    pc.require_tools("xinetd")
    argv = ["xinetd", "-f", conf, "-dontfork", "-stayalive", "-pidfile", os.path.join(tmp, "xinetd.pid")]
    db = decoy_database(os.path.join(tmp, "services"), (7, 13, 19, 37),
                        udp=[("echo", 7), ("daytime", 13), ("time", 37)])
    with pc.background(argv):
        for port in (7, 13, 19, 37):
            if not pc.wait_for_tcp("127.0.0.1", port, 10):
                pc.skip(f"xinetd did not listen on 127.0.0.1:{port} within 10 s")
        with suite.case("xinetd: echo, daytime, chargen and time over TCP, named by what they do"):
            run, results = identify(suite, db, ["7/tcp", "13/tcp", "19/tcp", "37/tcp"])
            by_port = {r["port"]: r for r in results}
            for port, service in ((7, "echo"), (13, "daytime"), (19, "chargen"), (37, "time")):
                suite.require(port in by_port, f"no result for {port}/tcp", run.describe())
                check_named(suite, by_port[port], service)
        with suite.case("xinetd: echo, daytime and time over UDP, named by their replies"):
            run, results = identify(suite, db, ["7/udp", "13/udp", "37/udp"])
            by_port = {r["port"]: r for r in results}
            for port, service in ((7, "echo"), (13, "daytime"), (37, "time")):
                suite.require(port in by_port, f"no result for {port}/udp", run.describe())
                check_named(suite, by_port[port], service)
        with suite.case("xinetd: --show-answer with --identify carries the reply that named the service"):
            run, results = identify(suite, db, ["13/tcp"], extra=["--show-answer"])
            suite.require(len(results) == 1, "one result expected", run.describe())
            check_named(suite, results[0], "daytime")
            # xinetd's daytime line as RFC 867 lets it be: one line, a date and a time of day.
            suite.check(re.fullmatch(r"[^\r\n]*\d{1,2}:\d{2}:\d{2}[^\r\n]*\r?\n", results[0]["received"] or "")
                        is not None, f"received {results[0]['received']!r} is not one daytime line", run.describe())


def serve(listener, behaviour, stop):
    """Accepts connections on `listener` until `stop` is set; `behaviour(connection)` for each."""
    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            connection, _ = listener.accept()
        except OSError:
            continue
        threading.Thread(target=behaviour, args=(connection,), daemon=True).start()


def late_greeting(connection):
    with connection:
        time.sleep(0.6)  # past the wait for what is said unasked (1/8 of 2 s)
        connection.sendall(b"220 mail.portent.test ESMTP Postfix (Debian/GNU)\r\n")
        connection.settimeout(3)
        try:
            connection.recv(4096)
        except OSError:
            pass


def silent(connection):
    with connection:
        connection.settimeout(5)
        try:
            while connection.recv(4096):
                pass
        except OSError:
            pass


def redis_like_closing(connection):
    """Speaks RESP, and hangs up on anything that is not (as Redis does on an HTTP request)."""
    with connection:
        connection.settimeout(3)
        try:
            data = connection.recv(4096)
            if data.startswith(b"*1\r\n$4\r\nPING\r\n"):
                connection.sendall(b"+PONG\r\n$30\r\n# Server\r\nredis_version:9.9.9\r\n\r\n")
        except OSError:
            pass


def timing(suite, tmp):
    stop = threading.Event()
    behaviours = {"late": late_greeting, "silent": silent, "closing": redis_like_closing}
    ports = {}
    for name, behaviour in behaviours.items():
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        ports[name] = listener.getsockname()[1]
        threading.Thread(target=serve, args=(listener, behaviour, stop), daemon=True).start()
    db = decoy_database(os.path.join(tmp, "services"), ports.values())
    try:
        with suite.case("a greeting that comes after the wait for it is still read first"):
            _, (r,) = identify(suite, db, [str(ports["late"])])
            check_named(suite, r, "smtp", "Postfix")
        with suite.case("a server that closes on what it does not understand: a new connection for each probe"):
            _, (r,) = identify(suite, db, [str(ports["closing"])])
            check_named(suite, r, "redis", "Redis", "9.9.9")
        with suite.case("a server that never says anything: unknown, within one deadline"):
            run, (r,) = identify(suite, db, [str(ports["silent"])], timeout="1s")
            suite.check(r["state"] == "open" and r["service"] is None and r["evidence"],
                        "not open and unknown with evidence", repr(r))
            suite.check(run.elapsed < 10, f"the run took {run.elapsed:.1f} s for a deadline of 1 s", run.describe())
    finally:
        stop.set()


def main():
    suite = pc.Suite(f"probe.identify.{GROUP}")
    with tempfile.TemporaryDirectory(prefix=f"portent-identify-{GROUP}-") as tmp:
        os.chmod(tmp, 0o755)
        if GROUP in real_servers.PORTS:
            server_group(suite, GROUP, tmp)
        elif GROUP == "xinetd":
            xinetd(suite, tmp)
        elif GROUP == "timing":
            timing(suite, tmp)
        else:
            pc.die(f"unknown group {GROUP!r}")
    suite.finish()


if __name__ == "__main__":
    main()
