"""Real servers from Debian packages for `probe --identify` (tests and bench): each started in the
foreground under a configuration written here, on loopback ports given by the caller, inside the
caller's private network namespace, and stopped when its block ends.

`start(name, directory, ports)` is a context manager; a server whose program is missing or that
does not come up skips the test (exit 77) with the reason (daemons.running). Not a test itself."""

import contextlib
import os
import shutil
import subprocess

import daemons
import probe_common as pc
import tls_material as tm

# What each server listens for, by name: the keys of the `ports` dict that start() takes.
PORTS = {
    "ssh": ["ssh"],
    "smtp": ["smtp"],
    "ftp": ["ftp"],
    "dovecot": ["imap", "pop3"],
    "redis": ["redis"],
    "memcached": ["memcached"],
    "mqtt": ["mqtt"],
    "nginx": ["http", "https"],
    "postgresql": ["postgresql"],
}

def dovecot_config(directory, listeners, tls=None, extra="", address="127.0.0.1"):
    """dovecot.conf for `directory`: listeners is {protocol: {listener name: (port, implicit TLS)}}
    ({"imap": {"imap": (1143, False)}}; port 0 turns a default listener off), tls (cert, key) or None."""
    lines = [f"base_dir = {directory}/run", f"state_dir = {directory}/state", f"log_path = {directory}/dovecot.log",
             f"protocols = {' '.join(listeners)}", f"listen = {address}",
             f"ssl = yes\nssl_cert = <{tls[0]}\nssl_key = <{tls[1]}" if tls else "ssl = no",
             f"mail_location = maildir:{directory}/mail", "default_client_limit = 4000",
             "passdb {\n  driver = static\n  args = nopassword=y\n}",
             f"userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={directory}/home\n}}", extra]
    for protocol, named in listeners.items():
        block = [f"service {protocol}-login {{", "  process_limit = 1000", "  client_limit = 1000"]
        for name, (port, implicit) in named.items():
            block += [f"  inet_listener {name} {{", f"    port = {port}", *(["    ssl = yes"] if implicit else []), "  }"]
        lines.append("\n".join([*block, "}"]))
    return "\n".join(lines) + "\n"


def vsftpd_config(port, empty, tls=None, address="127.0.0.1"):
    """vsftpd.conf: anonymous FTP on address:port from the empty directory `empty`; with tls (cert,
    key), AUTH TLS offered."""
    lines = ["listen=YES", "listen_ipv6=NO", f"listen_address={address}", f"listen_port={port}", "background=NO",
             "anonymous_enable=YES", f"anon_root={empty}", "local_enable=NO", f"secure_chroot_dir={empty}",
             "xferlog_enable=NO", "seccomp_sandbox=NO", "max_clients=0", "max_per_ip=0"]
    if tls:
        lines += ["ssl_enable=YES", "allow_anon_ssl=YES", f"rsa_cert_file={tls[0]}", f"rsa_private_key_file={tls[1]}"]
    return "\n".join(lines) + "\n"


NGINX = """daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{
  worker_connections 4096;
}}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen {address}:{http};
    location / {{ return 200 "portent\\n"; }}
  }}
  server {{
    listen {address}:{https} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    location / {{ return 200 "portent\\n"; }}
  }}
}}
"""

MOSQUITTO = """listener {mqtt} {address}
allow_anonymous true
persistence false
log_dest stdout
max_connections -1
"""

SMTPD = """listen on {address} port {smtp}
action "relay" relay
match from local for any action "relay"
"""


def package_version(package):
    """The upstream version of an installed Debian package: 1:9.2p1-2+deb12u10 → 9.2p1."""
    found = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True,
                           timeout=10)
    version = found.stdout.strip()
    if found.returncode != 0 or not version:
        return None
    version = version.split(":", 1)[-1]
    return version.rsplit("-", 1)[0].split("~")[0].split("+")[0]


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def _as_user(user, argv):
    return ["runuser", "-u", user, "--", *argv]


@contextlib.contextmanager
def start(name, directory, ports, address="127.0.0.1"):
    """Runs server `name` (a key of PORTS) with its ports from `ports` on `address` (0.0.0.0: every
    loopback address of a private network namespace) until the block ends."""
    os.makedirs(directory, exist_ok=True)
    os.chmod(directory, 0o755)
    log = os.path.join(directory, "server.log")
    wanted = [ports[key] for key in PORTS[name]]
    if name == "ssh":
        daemons.need("/usr/sbin/sshd", "openssh-server")
        key = os.path.join(directory, "host_key")
        if not os.path.exists(key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-f", key, "-N", ""], check=True, timeout=30)
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        argv = ["/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null", "-h", key, "-o",
                f"ListenAddress={address}:{ports['ssh']}", "-o", "PidFile=none", "-o", "MaxStartups=4000",
                "-o", "LogLevel=VERBOSE"]
    elif name == "smtp":
        daemons.need("/usr/sbin/smtpd", "opensmtpd")
        argv = ["/usr/sbin/smtpd", "-d", "-f", _write(os.path.join(directory, "smtpd.conf"), SMTPD.format(address=address, **ports))]
    elif name == "ftp":
        daemons.need("/usr/sbin/vsftpd", "vsftpd")
        empty = os.path.join(directory, "empty")
        os.makedirs(empty, exist_ok=True)
        os.chmod(empty, 0o555)
        argv = ["/usr/sbin/vsftpd", _write(os.path.join(directory, "vsftpd.conf"), vsftpd_config(ports["ftp"], empty, address=address))]
    elif name == "dovecot":
        daemons.need("/usr/sbin/dovecot", "dovecot-imapd and dovecot-pop3d")
        listeners = {"imap": {"imap": (ports["imap"], False), "imaps": (0, False)},
                     "pop3": {"pop3": (ports["pop3"], False), "pop3s": (0, False)}}
        argv = ["/usr/sbin/dovecot", "-F", "-c", _write(os.path.join(directory, "dovecot.conf"),
                                                         dovecot_config(directory, listeners, address=address))]
    elif name == "redis":
        daemons.need("redis-server", "redis-server")
        argv = ["redis-server", "--port", str(ports["redis"]), "--bind", address, "--protected-mode", "no", "--save", "",
                "--appendonly", "no", "--dir", directory, "--maxclients", "4000"]
    elif name == "memcached":
        daemons.need("memcached", "memcached")
        argv = ["memcached", "-u", "nobody", "-l", address, "-p", str(ports["memcached"]), "-U", "0",
                "-c", "4000"]
    elif name == "mqtt":
        daemons.need("/usr/sbin/mosquitto", "mosquitto")
        argv = ["/usr/sbin/mosquitto", "-c", _write(os.path.join(directory, "mosquitto.conf"),
                                                    MOSQUITTO.format(address=address, **ports))]
    elif name == "nginx":
        daemons.need("/usr/sbin/nginx", "nginx-light")
        pc.require_tools("openssl")
        cert, key = tm.Material(os.path.join(directory, "certs")).make("localhost", ["DNS:localhost"])
        config = _write(os.path.join(directory, "nginx.conf"),
                        NGINX.format(dir=directory, cert=cert, key=key, address=address, **ports))
        argv = ["/usr/sbin/nginx", "-p", directory, "-e", os.path.join(directory, "error.log"), "-c", config]
    elif name == "postgresql":
        binaries = sorted(d for d in os.listdir("/usr/lib/postgresql") if d.isdigit()) \
            if os.path.isdir("/usr/lib/postgresql") else []
        if not binaries:
            pc.skip("PostgreSQL's server is missing: install postgresql (scripts/setup.sh does)")
        bin_dir = f"/usr/lib/postgresql/{binaries[-1]}/bin"
        data = os.path.join(directory, "data")
        sockets = os.path.join(directory, "sockets")
        if not os.path.exists(data):
            os.makedirs(sockets, exist_ok=True)
            shutil.chown(directory, "postgres")
            shutil.chown(sockets, "postgres")
            made = subprocess.run(_as_user("postgres", [f"{bin_dir}/initdb", "-D", data, "-A", "reject", "-U",
                                                        "postgres", "--no-sync"]),
                                  capture_output=True, text=True, timeout=120)
            if made.returncode != 0:
                pc.skip(f"initdb failed: {pc.shorten(made.stdout + made.stderr)}")
        argv = _as_user("postgres", [f"{bin_dir}/postgres", "-D", data, "-p", str(ports["postgresql"]),
                                     "-c", f"listen_addresses={address}", "-c", f"unix_socket_directories={sockets}",
                                     "-c", "ssl=off", "-c", "fsync=off", "-c", "max_connections=100"])
    else:
        raise ValueError(f"no such server: {name}")
    with daemons.running(name, argv, tcp_ports=wanted, log=log) as proc:
        yield proc
