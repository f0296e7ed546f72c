#!/usr/bin/python3
"""TLS facts and trust: portent probe against a TLS server that checks the SNI it receives and
serves a certificate per name (signed by a test CA, expired, self-signed, or for another name),
in a private network and mount namespace where a hosts file bind-mounted on /etc/hosts makes
the names resolve to 127.0.0.1. Trust in the test CA comes from SSL_CERT_FILE (OpenSSL's own
variable, which portent documents); without it, an empty store, so the system's cannot decide.
Usage: test_tls.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import os  # noqa: E402
import socket  # noqa: E402
import ssl  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402

import probe_common as pc  # noqa: E402
import tls_material as tm  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns(mounts=True)
pc.require_tools("openssl", "mount")

NAMES = ("portent.test", "expired.test", "selfsigned.test", "wrong.test", "h2.test")
HTTP_ANSWER = b"HTTP/1.1 200 OK\r\nServer: portent-tls-test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
H2_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


class SniServer:
    """A TLS server on 127.0.0.1 that serves each name's certificate, the first one's for any other
    name or none, and records every SNI it is sent (None when none)."""

    def __init__(self, certificates, h2_names=()):
        self.received = []
        self.contexts = {}
        for name, (cert, key) in certificates.items():
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            context.set_alpn_protocols(["h2"] if name in h2_names else ["http/1.1"])
            self.contexts[name] = context
        self.default = next(iter(self.contexts.values()))
        self.default.sni_callback = self._choose
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _choose(self, connection, server_name, _context):
        self.received.append(server_name)
        if server_name in self.contexts:
            connection.context = self.contexts[server_name]

    def _serve(self):
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(client,), daemon=True).start()

    def _answer(self, client):
        client.settimeout(5)
        try:
            with self.default.wrap_socket(client, server_side=True) as tls:
                if tls.selected_alpn_protocol() == "h2":
                    tls.recv(64)
                    tls.sendall(H2_SETTINGS)
                else:
                    tls.recv(4096)
                    tls.sendall(HTTP_ANSWER)
        except (OSError, ssl.SSLError):
            pass


def probe(suite, name, port, *extra, env_extra=None, expect_rc=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    run = pc.run([PORTENT, "probe", name, str(port), "--as", "https", "--timeout", "5s", "--format", "json", *extra],
                 timeout=30, env=env)
    (result,) = pc.parse_json_run(suite, run, expect_count=1)
    if expect_rc is not None:
        suite.check(run.rc == expect_rc, f"exit code {run.rc}, expected {expect_rc}", run.describe())
    suite.require(isinstance(result["tls"], dict), "no tls object", repr(result))
    return result, run


def main():
    suite = pc.Suite("probe.tls")
    with tempfile.TemporaryDirectory(prefix="portent-probe-tls-") as tmp:
        hosts = os.path.join(tmp, "hosts")
        with open(hosts, "w") as f:
            f.write("127.0.0.1 localhost " + " ".join(NAMES) + "\n")
        pc.mount_over_etc(hosts, "hosts")
        material = tm.Material(os.path.join(tmp, "certs"))
        authority = material.make("portent test CA", authority=True, days_after=3650)
        good = material.make("portent.test", ["DNS:portent.test"], issuer=authority, days_after=45)
        expired = material.make("expired.test", ["DNS:expired.test"], issuer=authority, days_before=90, days_after=-3)
        certificates = {
            "portent.test": good,
            "expired.test": expired,
            "selfsigned.test": material.make("selfsigned.test", ["DNS:selfsigned.test"]),
            "h2.test": material.make("h2.test", ["DNS:h2.test"], issuer=authority),
        }
        server = SniServer(certificates, h2_names=("h2.test",))
        trust_ca = {"SSL_CERT_FILE": authority[0]}
        empty_dir = os.path.join(tmp, "no-certs")
        os.mkdir(empty_dir)
        empty_file = os.path.join(tmp, "no-certs.pem")
        open(empty_file, "w").close()
        trust_nothing = {"SSL_CERT_FILE": empty_file, "SSL_CERT_DIR": empty_dir}

        with suite.case("a chain to a trusted CA for the name asked: trusted, facts as openssl reads them"):
            server.received.clear()
            r, _ = probe(suite, "portent.test", server.port, env_extra=trust_ca, expect_rc=0)
            t = r["tls"]
            suite.check(r["state"] == "open" and r["verdict"] == "passed", "not open/passed", repr(r))
            suite.check(t["trust"] == "trusted" and t["trusted"] is True and t["distrust"] == [], "not trusted",
                        repr(t))
            suite.check(server.received == ["portent.test"], f"the server was sent SNI {server.received!r}, expected "
                        "['portent.test']")
            suite.check(t["sni"] == "portent.test", f"sni {t['sni']!r}", repr(t))
            suite.check(t["alpn"] == "http/1.1", f"alpn {t['alpn']!r}, the server offers http/1.1 only", repr(t))
            suite.check(t["version"] in ("TLSv1.2", "TLSv1.3") and t["cipher"], "version or cipher missing", repr(t))
            cert = t["certificate"]
            suite.check(cert["subject_cn"] == "portent.test" and cert["san"] == ["portent.test"],
                        "subject CN or SAN list wrong", repr(cert))
            suite.check("CN=portent test CA" in cert["issuer"], f"issuer {cert['issuer']!r}", repr(cert))
            end = tm.end_date(good[0]).strftime("%Y-%m-%dT%H:%M:%SZ")
            suite.check(cert["not_after"] == end, f"not_after {cert['not_after']}, openssl reads {end}", repr(cert))
            suite.check(t["days_left"] == tm.days_left(good[0]), f"days_left {t['days_left']}, expected "
                        f"{tm.days_left(good[0])}", repr(t))
            suite.check(r["answer"].startswith("HTTP/1.1 200"), f"answer {r['answer']!r}", repr(r))

        with suite.case("the same chain without the CA in the trust store: open, failed, unknown issuer"):
            r, _ = probe(suite, "portent.test", server.port, env_extra=trust_nothing, expect_rc=2)
            suite.check(r["state"] == "open" and r["verdict"] == "failed", "not open/failed", repr(r))
            suite.check(r["tls"]["trust"] == "untrusted: unknown issuer", f"trust {r['tls']['trust']!r}", repr(r))

        with suite.case("a self-signed certificate: open, failed, says self-signed"):
            r, _ = probe(suite, "selfsigned.test", server.port, env_extra=trust_ca, expect_rc=2)
            suite.check(r["state"] == "open" and r["verdict"] == "failed", "not open/failed", repr(r))
            suite.check(r["tls"]["trust"] == "untrusted: self-signed", f"trust {r['tls']['trust']!r}", repr(r))
            suite.check("untrusted: self-signed" in r["detail"], "the detail does not say why", repr(r))

        with suite.case("an expired certificate: expired, days_left below zero"):
            r, _ = probe(suite, "expired.test", server.port, env_extra=trust_ca, expect_rc=2)
            suite.check(r["tls"]["trust"] == "untrusted: expired", f"trust {r['tls']['trust']!r}", repr(r))
            suite.check(r["tls"]["days_left"] == tm.days_left(expired[0]) < 0,
                        f"days_left {r['tls']['days_left']}, expected {tm.days_left(expired[0])}", repr(r))

        with suite.case("a name the certificate is not for: name mismatch, the name sent as SNI"):
            server.received.clear()
            r, _ = probe(suite, "wrong.test", server.port, env_extra=trust_ca, expect_rc=2)
            suite.check(r["tls"]["trust"] == "untrusted: name mismatch", f"trust {r['tls']['trust']!r}", repr(r))
            suite.check(server.received == ["wrong.test"], f"SNI received {server.received!r}")

        with suite.case("an address literal: no SNI sent, checked against the certificate's addresses"):
            server.received.clear()
            r, _ = probe(suite, "127.0.0.1", server.port, env_extra=trust_ca, expect_rc=2)
            suite.check(server.received == [None], f"SNI received {server.received!r}, expected none")
            suite.check(r["tls"]["sni"] is None, f"sni {r['tls']['sni']!r}", repr(r))
            suite.check(r["tls"]["trust"] == "untrusted: name mismatch", f"trust {r['tls']['trust']!r}", repr(r))

        with suite.case("--warn-expiry: a certificate that expires sooner fails, exit 2"):
            days = tm.days_left(good[0])
            r, _ = probe(suite, "portent.test", server.port, "--warn-expiry", str(days + 1), env_extra=trust_ca,
                         expect_rc=2)
            suite.check(r["verdict"] == "failed" and r["tls"]["expires_too_soon"] is True, "not failed", repr(r))
            suite.check(f"expires within {days + 1} days" in r["detail"], "the detail does not say so", repr(r))
            r, _ = probe(suite, "portent.test", server.port, "--warn-expiry", str(days), env_extra=trust_ca,
                         expect_rc=0)
            suite.check(r["verdict"] == "passed" and r["tls"]["expires_too_soon"] is False, "not passed", repr(r))

        with suite.case("a server that picks h2 by ALPN gets the HTTP/2 preface"):
            r, _ = probe(suite, "h2.test", server.port, env_extra=trust_ca, expect_rc=0)
            suite.check(r["tls"]["alpn"] == "h2", f"alpn {r['tls']['alpn']!r}", repr(r))
            suite.check(r["verdict"] == "passed" and r["answer"] == "HTTP/2 SETTINGS", "not passed", repr(r))

        with suite.case("the table shows the facts in one cell"):
            env = dict(os.environ, **trust_ca)
            run = pc.run([PORTENT, "probe", "selfsigned.test", str(server.port), "--as", "https", "--timeout", "5s"],
                         timeout=30, env=env)
            out = run.out.decode()
            suite.check(run.rc == 2 and "CN=selfsigned.test" in out and "untrusted: self-signed" in out
                        and "failed" in out, "the table lacks the TLS facts", run.describe())
    suite.finish()


if __name__ == "__main__":
    main()
