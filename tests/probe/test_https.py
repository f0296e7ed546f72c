#!/usr/bin/python3
"""portent probe --as https against a TLS HTTP server on 127.0.0.1, compared with http.client over TLS, in a
private network and mount namespace (unshare -n -m, needs root): the server's certificate, made with the openssl
command, is for the name https.test and the address 127.0.0.1, signed by a test CA that SSL_CERT_FILE makes
trusted; a hosts file bind-mounted on /etc/hosts makes https.test 127.0.0.1. The server records the SNI of
every handshake and refuses one for any other name. Usage: test_https.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import http.client  # noqa: E402
import http.server  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import ssl  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402

import probe_common as pc  # noqa: E402
import tls_material as tm  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns(mounts=True)
pc.require_tools("openssl", "mount")
SERVER_NAME = "portent-test-tls/1.0"
NAME = "https.test"
requests = []
server_names = []  # the SNI of each handshake, None when none was sent


def check_server_name(_connection, server_name, _context):
    """The server's SNI callback: records the name, and ends a handshake for a name it does not serve."""
    server_names.append(server_name)
    if server_name not in (None, NAME):
        return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = SERVER_NAME
    sys_version = ""

    def do_GET(self):  # noqa: N802
        requests.append((self.requestline, self.headers.get_all("Host")))
        body = b"tls ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    suite = pc.Suite("probe.https")
    with tempfile.TemporaryDirectory(prefix="portent-probe-https-") as tmp:
        hosts = os.path.join(tmp, "hosts")
        with open(hosts, "w") as f:
            f.write(f"127.0.0.1 localhost {NAME}\n")
        pc.mount_over_etc(hosts, "hosts")
        material = tm.Material(os.path.join(tmp, "certs"))
        authority = material.make("portent test CA", authority=True, days_after=3650)
        cert, key = material.make(NAME, [f"DNS:{NAME}", "IP:127.0.0.1"], issuer=authority, days_after=30)
        env = dict(os.environ, SSL_CERT_FILE=authority[0])
        selfsigned = material.make("localhost", days_after=1)  # a trust store without the test CA
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = check_server_name
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.daemon_threads = True
        port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        try:
            client_context = ssl.create_default_context()
            client_context.check_hostname = False
            client_context.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=client_context)
            conn.request("GET", "/")
            reference = conn.getresponse()
            reference.read()
            conn.close()
            requests.clear()

            with suite.case("--as https on a TLS HTTP server with a trusted certificate for the address"):
                server_names.clear()
                run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "https", "--timeout", "5s",
                              "--format", "json"], timeout=30, env=env)
                (r,) = pc.parse_json_run(suite, run, expect_count=1)
                suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r))
                suite.check(r["verdict"] == "passed", f"verdict {r['verdict']!r}, expected passed (a trusted "
                            "certificate for the address, a whole HTTP answer)", repr(r))
                suite.check(r["tls"] is not None and r["tls"]["trust"] == "trusted", "the certificate is not trusted",
                            repr(r))
                suite.check(server_names == [None], f"SNI sent for an address: {server_names!r}, expected none")
                m = re.match(r"HTTP/1\.[01] (\d{3})\b", r["answer"])
                suite.check(m is not None and int(m[1]) == reference.status,
                            f"answer {r['answer']!r}: not the status line http.client got over TLS "
                            f"({reference.status})", repr(r))
                suite.check(SERVER_NAME in pc.text_of(r), "the Server header is not reported", repr(r))
                suite.check(len(requests) == 1 and requests[0] == ("GET / HTTP/1.1", [f"127.0.0.1:{port}"]),
                            f"requests the server got over TLS: {requests!r}, expected one 'GET / HTTP/1.1' with "
                            f"Host 127.0.0.1:{port}")
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())

            with suite.case(f"--as https on the name {NAME}: the name sent as SNI and in Host"):
                requests.clear()
                server_names.clear()
                run = pc.run([PORTENT, "probe", NAME, str(port), "--as", "https", "--timeout", "5s",
                              "--format", "json"], timeout=30, env=env)
                (r,) = pc.parse_json_run(suite, run, expect_count=1)
                suite.check((r["state"], r["verdict"]) == ("open", "passed"),
                            f"state/verdict {r['state']}/{r['verdict']}, expected open/passed", repr(r))
                suite.check(server_names == [NAME], f"the server received SNI {server_names!r}, expected [{NAME!r}]")
                suite.check(r["tls"] is not None and r["tls"]["sni"] == NAME, "the result does not show the SNI sent",
                            repr(r))
                suite.check(requests == [("GET / HTTP/1.1", [f"{NAME}:{port}"])],
                            f"requests the server got over TLS: {requests!r}, expected one with Host {NAME}:{port}")
                suite.check(run.rc == 0, f"exit code {run.rc}, expected 0", run.describe())

            with suite.case("--as https against the same server without the CA trusted: open, failed"):
                untrusted = dict(os.environ, SSL_CERT_FILE=selfsigned[0], SSL_CERT_DIR=tmp)
                run = pc.run([PORTENT, "probe", NAME, str(port), "--as", "https", "--timeout", "5s",
                              "--format", "json"], timeout=30, env=untrusted)
                (r,) = pc.parse_json_run(suite, run, expect_count=1)
                suite.check((r["state"], r["verdict"]) == ("open", "failed"),
                            f"state/verdict {r['state']}/{r['verdict']}, expected open/failed", repr(r))
                suite.check(r["tls"] is not None and r["tls"]["trust"].startswith("untrusted"),
                            "the certificate is trusted without its CA", repr(r))
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())

            with suite.case("--as http (plain text) on the TLS port: open, failed, no hang"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "http", "--timeout", "3s",
                              "--format", "json"], timeout=30)
                (r,) = pc.parse_json_run(suite, run, expect_count=1)
                suite.check(r["state"] == "open" and r["verdict"] == "failed",
                            f"state/verdict {r['state']}/{r['verdict']}, expected open/failed", repr(r))
                suite.check(run.rc == 2, f"exit code {run.rc}, expected 2", run.describe())
        finally:
            server.shutdown()
            server.server_close()
    suite.finish()


if __name__ == "__main__":
    main()
