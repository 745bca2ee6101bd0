"""A reference receiver for the shop's webhook (docs/channels.md): what a shop's chat
system runs to take the replies the assistant delivers.

It checks each request's signature (X-Shop-Timestamp, X-Shop-Signature) with the shop's
webhook secret, keeps every idempotency key once (a repeat answers 200 and is counted,
not kept again) in a JSON-lines file that survives restarts, and answers 2xx only
once the reply is written down.

    WEBHOOK_SECRET=<the shop's webhook_secret> python scripts/reply_receiver.py --port 9100 \
        --out var/received.jsonl

The tests use ``Receiver`` directly: start(), stop(), and what it received.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bot.channels.signing import webhook_problem  # noqa: E402


class Receiver:
    def __init__(self, secret: str, out: Path, port: int = 0, host: str = "127.0.0.1") -> None:
        self.secret, self.out, self.host, self.port = secret, Path(out), host, port
        self.repeats = 0            # deliveries whose key was already kept
        self.refused = 0            # bad signatures
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None
        self._keys = {item["idempotency_key"] for item in self.received()}

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/replies"

    def received(self) -> List[Dict[str, Any]]:
        """Every reply kept, in the order it arrived."""
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text("utf-8").splitlines() if line]

    def take(self, body: bytes, headers: Any) -> int:
        problem = webhook_problem(self.secret, headers.get("X-Shop-Timestamp"),
                                  headers.get("X-Shop-Signature"), body, time.time())
        if problem:
            with self._lock:
                self.refused += 1
            return 401
        payload = json.loads(body)
        key = headers.get("Idempotency-Key") or payload.get("idempotency_key")
        with self._lock:
            if key in self._keys:
                self.repeats += 1
                return 200
            with self.out.open("a", encoding="utf-8") as f:
                f.write(json.dumps(payload, ensure_ascii=False) + "\n")
                f.flush()
            self._keys.add(key)
        return 200

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                size = int(self.headers.get("Content-Length") or 0)
                status = receiver.take(self.rfile.read(size), self.headers)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections until start() again (same port)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--secret", default=os.environ.get("WEBHOOK_SECRET"),
                        help="the shop's webhook_secret (default: $WEBHOOK_SECRET; an argument "
                             "is visible to other users in ps)")
    parser.add_argument("--out", type=Path, default=Path("var/received.jsonl"))
    args = parser.parse_args()
    if not args.secret:
        parser.error("set WEBHOOK_SECRET (or --secret)")
    receiver = Receiver(args.secret, args.out, args.port).start()
    print(f"receiving replies at {receiver.url} into {args.out}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        receiver.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
