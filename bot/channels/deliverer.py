"""The delivery worker: a thread in every API process that drains the outbox to the
shops' webhooks, each request signed and carrying its idempotency key."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from typing import Any, Callable, Dict, Optional

import httpx
from sqlalchemy.exc import DBAPIError

from bot.channels import outbox
from bot.channels.config import channel_of
from bot.channels.signing import sign
from bot.store.channel_models import Delivery
from bot.store.runtime import sessions

logger = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
Publish = Callable[[str, str, Dict[str, Any]], Any]  # (shop, kind, data): live updates


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Deliverer:
    def __init__(self, policy: Optional[outbox.RetryPolicy] = None, poll_seconds: float = 0.5,
                 timeout_seconds: float = 10.0, clock: Clock = _now,
                 publish: Optional[Publish] = None) -> None:
        self.policy = policy or outbox.RetryPolicy()
        self.publish = publish
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="deliverer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._client.close()

    def wake(self) -> None:
        """A reply was just stored here: look now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.drain_once()
            except DBAPIError as e:  # the database restarting: try again shortly
                logger.warning("deliveries: database unavailable (%s)", type(e).__name__)
                busy = False
            except Exception:  # never let the worker die
                logger.exception("deliveries: unexpected error")
                busy = False
            if not busy:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def drain_once(self) -> int:
        """Send what is due now; how many were tried."""
        factory = sessions()
        with factory() as session:
            claimed = outbox.claim(session, self.clock())
        for delivery_id in claimed:
            if self._stop.is_set():
                break
            self._send(delivery_id)
        return len(claimed)

    def _send(self, delivery_id: int) -> None:
        factory = sessions()
        with factory() as session:
            delivery = session.get(Delivery, delivery_id)
            channel = channel_of(session, delivery.shop_id)
            if channel is None or not channel.webhook_url:
                outbox.record(session, delivery_id, self.clock(), False, None,
                              "the shop has no webhook URL", self.policy)
                return
            url, secret = channel.webhook_url, channel.webhook_secret
            body = json.dumps(outbox.payload(delivery), ensure_ascii=False).encode()
            key = delivery.idempotency_key
            shop, conversation = delivery.shop_id, delivery.reply.conversation.external_id
            session.commit()
        timestamp = int(time.time())
        status, error = None, None
        try:
            response = self._client.post(url, content=body, headers={
                "Content-Type": "application/json", "Idempotency-Key": key,
                "X-Shop-Timestamp": str(timestamp),
                "X-Shop-Signature": sign(secret, timestamp, body)})
            status = response.status_code
            ok = 200 <= status < 300
            if not ok:
                error = f"HTTP {status}: {response.text[:200]}"
        except httpx.HTTPError as e:
            ok, error = False, f"{type(e).__name__}: {e}"[:300]
        with factory() as session:
            done = outbox.record(session, delivery_id, self.clock(), ok, status, error,
                                 self.policy)
            if not ok:
                logger.info("delivery %s (%s) try %d failed: %s", delivery_id, key,
                            done.attempts, error)
            view = {"conversation_id": conversation, **outbox.delivery_view(done)}
        if self.publish is not None:  # the console shows the new state
            try:
                self.publish(shop, "delivery", view)
            except Exception as e:  # a live update lost is not a delivery lost
                logger.warning("delivery %s: live update not sent (%s)", delivery_id, e)
