#!/usr/bin/env python3
"""A receiver of the gateway's events, for trying them out: verifies each delivery's
Standard Webhooks signature and prints the event.

    EVENTS_SECRET=whsec_... python3 docs/examples/events-receiver.py [port]   # default 8099
"""
import base64, hashlib, hmac, json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

KEY = base64.b64decode(os.environ["EVENTS_SECRET"].removeprefix("whsec_"))


def verify(headers, body: bytes) -> bool:
    msg_id, ts = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(ts)) > 300:
        return False  # too old or too far ahead: a replay
    expected = base64.b64encode(
        hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s.removeprefix("v1,"))
               for s in headers["webhook-signature"].split() if s.startswith("v1,"))


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ok = all(h in self.headers for h in ("webhook-id", "webhook-timestamp", "webhook-signature")) \
            and verify(self.headers, body)
        shown = json.dumps(json.loads(body)) if ok else repr(body[:200])
        print(f"{self.headers.get('webhook-id')} signature {'verified' if ok else 'INVALID'}: {shown}", flush=True)
        self.send_response(204 if ok else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8099
print(f"listening on http://127.0.0.1:{port}/", flush=True)
HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
