#!/usr/bin/python3
"""An HTTP server (python's http.server) that logs the request line and the Host headers of each
request it gets, one JSON object a line, to a file; for the `portent probe` tests.

Usage: request_logger.py HOST LOGFILE — binds a free port of HOST (loopback only), prints
{"port": N} on stdout when ready, and serves until SIGTERM or 300 s have passed.
"""

import http.server
import json
import signal
import sys

SERVER = "portent-test-logger/1.0"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SERVER
    sys_version = ""

    def do_GET(self):  # noqa: N802 (http.server's name)
        record = {"request_line": self.requestline, "host": self.headers.get_all("Host") or []}
        with open(self.server.log_path, "a") as log:
            log.write(json.dumps(record) + "\n")
        body = b"logged\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's name)
        pass


def main():
    host, log_path = sys.argv[1], sys.argv[2]
    signal.alarm(300)  # never outlives a test that forgot it
    server = http.server.HTTPServer((host, 0), Handler)
    server.log_path = log_path
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
