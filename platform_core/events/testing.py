"""A webhook receiver on 127.0.0.1 for tests, fault tests and the benchmark (and a reference for
what a receiver does): it checks the signature, de-duplicates on the event id (deliveries are
at least once) and records what it got. ``status`` and ``delay`` make it fail or hang."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import signing


class Receiver:
    def __init__(self, secret: str | None = None, status: int = 200, delay: float = 0.0):
        self.secret = secret
        self.status = status
        self.delay = delay
        self.requests: list[dict] = []  # every request, in arrival order
        self.accepted: dict[str, int] = {}  # event id -> 2xx answers (more than 1: a resend)
        self.processed: dict[str, int] = {}  # event id -> times its side effect ran (1: dedupe)
        self.received_at: dict[str, float] = {}  # event id -> time.time() of first receipt
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY: the answer is written in two pieces (headers, then body); with Nagle's
            # algorithm the second waits for the client's delayed ACK, 40 ms on Linux, on every
            # request of a kept-alive connection (the benchmark measured 44 ms per request).
            disable_nagle_algorithm = True

            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.handle(dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            # socketserver's default listen backlog is 5: a relay opening its pool's connections
            # at once (WEBHOOKS_CONCURRENCY) saw resets; receivers in production queue more.
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def handle(self, headers: dict, body: bytes) -> int:
        now = time.time()
        verified = bool(self.secret) and signing.verify(
            headers.get(signing.HEADER, ""), body, self.secret or ""
        )
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        with self.lock:
            self.requests.append(
                {"headers": headers, "body": body, "event": event, "verified": verified}
            )
            if self.status >= 300 or (self.secret and not verified):
                return self.status if self.status >= 300 else 400
            event_id = event.get("id", "")
            self.accepted[event_id] = self.accepted.get(event_id, 0) + 1
            if event_id not in self.processed:  # process each event once (idempotent receiver)
                self.processed[event_id] = 1
                self.received_at[event_id] = now
        return self.status

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def serve(stdin=None, stdout=None) -> None:
    """A receiver in a process of its own (bench/events.py: not sharing the emitting process's
    GIL), driven by one command a line on stdin, each answered by one JSON line on stdout:
    ``secret S`` (check signatures with S), ``reset`` (forget everything received), ``count``
    (event ids processed so far), ``stats`` (first-receipt time of each id, ids answered 2xx
    more than once and how often, ids processed more than once, requests whose signature did
    not verify), ``quit``. The first line written is ``{"url": ...}``."""
    import sys

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    receiver = Receiver().start()

    def answer(value) -> None:
        stdout.write(json.dumps(value) + "\n")
        stdout.flush()

    answer({"url": receiver.url})
    for line in stdin:
        command, _, argument = line.strip().partition(" ")
        with receiver.lock:
            if command == "secret":
                receiver.secret = argument
                answer({"ok": True})
            elif command == "reset":
                receiver.requests.clear()
                receiver.accepted.clear()
                receiver.processed.clear()
                receiver.received_at.clear()
                answer({"ok": True})
            elif command == "count":
                answer({"count": len(receiver.received_at)})
            elif command == "stats":
                answer(
                    {
                        "received_at": receiver.received_at,
                        "resent": {k: c - 1 for k, c in receiver.accepted.items() if c > 1},
                        "processed_twice": sum(1 for c in receiver.processed.values() if c > 1),
                        "unverified": sum(1 for r in receiver.requests if not r["verified"]),
                        "requests": len(receiver.requests),
                    }
                )
            elif command == "quit":
                answer({"ok": True})
                break
            else:
                answer({"error": f"unknown command {command!r}"})
    receiver.stop()


if __name__ == "__main__":
    serve()
