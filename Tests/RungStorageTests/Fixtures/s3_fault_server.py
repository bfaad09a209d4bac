#!/usr/bin/env python3
"""A misbehaving S3 stand-in for the retry tests (no signature checks).

    s3_fault_server.py throttle N   the first N requests get 503 SlowDown, then every
                                    HEAD/GET of any key answers 200 with the body "hello"
                                    and x-amz-meta-sha256 of it
    s3_fault_server.py short        GET answers Content-Length 100 but sends 10 bytes and
                                    closes the connection
    s3_fault_server.py status CODE ERROR
                                    every request answers HTTP CODE with <Code>ERROR</Code>
    s3_fault_server.py multipart    starts multipart uploads, accepts part 1 and refuses
                                    every other part with 400 InvalidPart

GET /__log (any mode) returns the requests seen so far, one "METHOD PATH" per line.

Listens on 127.0.0.1 (any free port) and prints the port on the first line of stdout.
"""
import hashlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
BODY = b"hello"
seen = [0]
log = []


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
        if self.path == "/__log":
            body = "".join(line + "\n" for line in log).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        log.append("%s %s" % (self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        seen[0] += 1
        if MODE == "multipart":
            return self.multipart()
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

    def multipart(self):
        if self.command == "POST" and "uploads" in self.path:
            body = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult>"
                    b"<UploadId>fixture-upload</UploadId></InitiateMultipartUploadResult>")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.command == "PUT" and "partNumber=1&" in self.path:
            self.send_response(200)
            self.send_header("ETag", '"part-one"')
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.command == "DELETE":
            self.send_response(204)
            self.end_headers()
        else:
            self.error(400, "InvalidPart")

    do_GET = answer
    do_HEAD = answer
    do_PUT = answer
    do_POST = answer
    do_DELETE = answer


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
