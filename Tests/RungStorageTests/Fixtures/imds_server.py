#!/usr/bin/env python3
"""A tiny IMDSv2-speaking server for the S3 credential tests.

Listens on 127.0.0.1 (port 0 = any free port), prints the port on the first line of stdout,
and serves:
  PUT /latest/api/token                              needs X-aws-ec2-metadata-token-ttl-seconds
  GET /latest/meta-data/iam/security-credentials/    needs X-aws-ec2-metadata-token
  GET /latest/meta-data/iam/security-credentials/ROLE
  GET /log                                           the requests seen, as JSON
Credentials expire EXPIRES_IN seconds (argv[1], default 3600) after each fetch; each fetch
returns a new access key id (ASIAFETCH1, ASIAFETCH2, ...).
"""
import json
import sys
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "fixture-token-123"
ROLE = "rung-worker-role"
EXPIRES_IN = int(sys.argv[1]) if len(sys.argv) > 1 else 3600
log = []
fetches = [0]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self):
        log.append({
            "method": self.command,
            "path": self.path,
            "ttl": self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"),
            "token": self.headers.get("X-aws-ec2-metadata-token"),
        })

    def do_PUT(self):
        self.record()
        if self.path != "/latest/api/token":
            return self.reply(404, "not found")
        if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400, "missing ttl")
        self.reply(200, TOKEN)

    def do_GET(self):
        if self.path == "/log":
            return self.reply(200, json.dumps(log), "application/json")
        self.record()
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            return self.reply(401, "unauthorized")
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path == base:
            return self.reply(200, ROLE + "\n")
        if self.path == base + ROLE:
            fetches[0] += 1
            expiration = datetime.now(timezone.utc) + timedelta(seconds=EXPIRES_IN)
            return self.reply(200, json.dumps({
                "Code": "Success",
                "LastUpdated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "Type": "AWS-HMAC",
                "AccessKeyId": "ASIAFETCH%d" % fetches[0],
                "SecretAccessKey": "fixture-secret",
                "Token": "fixture-session-token",
                "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }), "application/json")
        self.reply(404, "not found")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
