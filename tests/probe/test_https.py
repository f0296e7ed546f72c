#!/usr/bin/python3
"""portent probe --as https against a TLS HTTP server on 127.0.0.1 with a throw-away self-signed certificate
(made with the openssl command), compared with http.client over TLS, in a private network namespace (unshare -n, needs root).
Usage: test_https.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import http.client  # noqa: E402
import http.server  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import ssl  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.enter_private_netns()
pc.require_tools("openssl")
SERVER_NAME = "portent-test-tls/1.0"
requests = []


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
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
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

            with suite.case("--as https on a TLS HTTP server (self-signed certificate)"):
                run = pc.run([PORTENT, "probe", "127.0.0.1", str(port), "--as", "https", "--timeout", "5s",
                              "--format", "json"], timeout=30)
                (r,) = pc.parse_json_run(suite, run, expect_count=1)
                suite.check(r["state"] == "open", f"state {r['state']!r}, expected open", repr(r))
                m = re.match(r"HTTP/1\.[01] (\d{3})\b", r["answer"])
                suite.check(m is not None and int(m[1]) == reference.status,
                            f"answer {r['answer']!r}: not the status line http.client got over TLS "
                            f"({reference.status})", repr(r))
                suite.check(SERVER_NAME in pc.text_of(r), "the Server header is not reported", repr(r))
                suite.check(len(requests) == 1 and requests[0] == ("GET / HTTP/1.1", [f"127.0.0.1:{port}"]),
                            f"requests the server got over TLS: {requests!r}, expected one 'GET / HTTP/1.1' with "
                            f"Host 127.0.0.1:{port}")
                pc.check_exit_code_matches(suite, run, [r])
                suite.note(f"verdict against a self-signed certificate: {r['verdict']}, detail {r['detail']!r}")

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
