#!/usr/bin/env python3
"""A misbehaving S3 stand-in for the retry tests (no signature checks).

    s3_fault_server.py throttle N   the first N requests get 503 SlowDown, then every
                                    HEAD/GET of any key answers 200 with the body "hello"
                                    and x-amz-meta-sha256 of it
    s3_fault_server.py short        GET answers Content-Length 100 but sends 10 bytes and
                                    closes the connection
    s3_fault_server.py status CODE ERROR
                                    every request answers HTTP CODE with <Code>ERROR</Code>

Listens on 127.0.0.1 (any free port) and prints the port on the first line of stdout.
"""
import hashlib
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

MODE = sys.argv[1]
BODY = b"hello"
seen = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def error(self, status, code):
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code>"
                "<Message>injected by the fixture</Message></Error>" % code).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def answer(self):
        seen[0] += 1
        if MODE == "throttle" and seen[0] <= int(sys.argv[2]):
            return self.error(503, "SlowDown")
        if MODE == "status":
            return self.error(int(sys.argv[2]), sys.argv[3])
        if MODE == "short" and self.command == "GET":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.send_header("ETag", '"%s"' % hashlib.md5(BODY).hexdigest())
        self.send_header("x-amz-meta-sha256", hashlib.sha256(BODY).hexdigest())
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(BODY)

    do_GET = answer
    do_HEAD = answer


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
