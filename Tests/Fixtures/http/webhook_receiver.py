"""A webhook receiver for the outbound webhook tests: Python's http.server, verifying Standard Webhooks
signatures with Python's own hmac (an implementation independent of the platform's).

Usage: webhook_receiver.py DIR
Listens on 127.0.0.1 (an ephemeral port, written to DIR/port once listening). For every POST it appends a
JSON line to DIR/requests.jsonl: {"id","timestamp","signature","body","valid":[...],"status","at"} where
"valid" lists the secrets (lines of DIR/secrets, re-read on every request) with a matching v1 signature.
DIR/behaviour (re-read on every request) says how to answer: "ok" (200, the default), "fail N" (500 to the
next N requests, then 200), "status CODE" (always CODE) or "hang" (never answer).
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

directory = sys.argv[1]
lock = threading.Lock()
failed = {"count": 0}


def read(name, default=""):
    try:
        with open(os.path.join(directory, name)) as f:
            return f.read()
    except FileNotFoundError:
        return default


def verify(secret, msg_id, timestamp, body, signature):
    key = base64.b64decode(secret[len("whsec_"):])
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(part[3:], expected) for part in signature.split(" ") if part.startswith("v1,"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        signature = self.headers.get("webhook-signature", "")
        secrets = [line.strip() for line in read("secrets").splitlines() if line.strip()]
        valid = [s for s in secrets if verify(s, msg_id, timestamp, body, signature)]
        behaviour = read("behaviour", "ok").split()
        status = 200
        with lock:
            if behaviour and behaviour[0] == "fail" and failed["count"] < int(behaviour[1]):
                failed["count"] += 1
                status = 500
            elif behaviour and behaviour[0] == "status":
                status = int(behaviour[1])
            elif behaviour and behaviour[0] == "hang":
                status = 0
            line = json.dumps({"id": msg_id, "timestamp": timestamp, "signature": signature,
                               "body": body.decode("utf-8", "replace"), "valid": valid, "status": status,
                               "at": time.time()})
            with open(os.path.join(directory, "requests.jsonl"), "a") as f:
                f.write(line + "\n")
        if status == 0:
            time.sleep(3600)
            return
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(os.path.join(directory, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
server.serve_forever()
