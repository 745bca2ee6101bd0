"""The outbox of replies to hand to a shop's webhook.

A reply in a ``webhook`` conversation gets its delivery row in the transaction that
stores the reply, so no reply is sent without one and none is lost across restarts.
Workers in any process lease due rows by compare-and-set on ``lease_until`` (SQLite
and PostgreSQL alike), one at a time per conversation and oldest first, so replies
arrive in the order they were sent. A process that dies mid-send leaves its lease to
run out; the row is sent again and the receiver drops the repeat by its key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.assist.errors import Conflict, NotFound
from bot.channels.config import channel_of
from bot.store.channel_models import Delivery, DeliveryState
from bot.store.service_models import Conversation, Reply, as_utc, utcnow

LEASE_SECONDS = 30


@dataclass
class RetryPolicy:
    max_attempts: int = 12
    backoff_seconds: float = 2.0
    backoff_cap_seconds: float = 300.0

    def delay(self, attempts: int) -> float:
        """Seconds before try ``attempts + 1``: 2, 4, 8 … up to the cap."""
        return min(self.backoff_cap_seconds, self.backoff_seconds * 2 ** max(0, attempts - 1))


def enqueue(session: Session, reply: Reply, conversation: Conversation) -> Optional[Delivery]:
    """The reply's delivery row, when its conversation came from the shop's webhook and
    the shop has a URL to deliver to (flushes: the reply needs its id). The outbox keeps
    real time, whatever clock the reply was stamped with."""
    if conversation.channel != "webhook":
        return None
    channel = channel_of(session, conversation.shop_id)
    if channel is None or not channel.webhook_url:
        return None
    if reply.id is None:
        session.flush()
    delivery = Delivery(reply_id=reply.id, shop_id=conversation.shop_id,
                        conversation_id=conversation.id,
                        idempotency_key=f"reply-{reply.id}", state=DeliveryState.pending,
                        attempts=0, next_attempt_at=utcnow(), created_at=utcnow())
    session.add(delivery)
    return delivery


def _due(now: dt.datetime) -> Any:
    earlier = aliased(Delivery)
    # a row waits while an older one of its conversation is still pending
    waiting_behind = select(earlier.id).where(
        earlier.conversation_id == Delivery.conversation_id, earlier.id < Delivery.id,
        earlier.state == DeliveryState.pending).exists()
    return and_(Delivery.state == DeliveryState.pending, Delivery.next_attempt_at <= now,
                or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
                ~waiting_behind)


def claim(session: Session, now: dt.datetime, limit: int = 20) -> List[int]:
    """Lease up to ``limit`` due deliveries for this worker; their ids. Commits."""
    now = as_utc(now)
    candidates = session.execute(select(Delivery.id).where(_due(now))
                                 .order_by(Delivery.id).limit(limit)).scalars().all()
    until = now + dt.timedelta(seconds=LEASE_SECONDS)
    claimed = []
    for delivery_id in candidates:
        won = session.execute(update(Delivery).where(
            Delivery.id == delivery_id, Delivery.state == DeliveryState.pending,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
            .values(lease_until=until).execution_options(synchronize_session=False))
        if won.rowcount == 1:
            claimed.append(delivery_id)
    session.commit()
    return claimed


def payload(delivery: Delivery) -> Dict[str, Any]:
    """What the shop's URL receives for one reply."""
    reply = delivery.reply
    conversation = reply.conversation
    sequence = len([r for r in conversation.replies if r.id <= reply.id])
    in_reply_to = reply.message.client_message_id if reply.message is not None else None
    return {"type": "reply", "idempotency_key": delivery.idempotency_key,
            "reply_id": reply.id, "shop_id": delivery.shop_id,
            "conversation_id": conversation.external_id, "buyer_id": conversation.buyer_id,
            "kind": reply.kind.value, "text": reply.text, "in_reply_to": in_reply_to,
            "sequence": sequence, "sent_at": as_utc(reply.created_at).isoformat()}


def record(session: Session, delivery_id: int, now: dt.datetime, ok: bool,
           status: Optional[int], error: Optional[str], policy: RetryPolicy) -> Delivery:
    """The result of one try: delivered, or pending again later, or failed. Commits."""
    now = as_utc(now)
    # fresh from the database: the lease was set by a bulk UPDATE this session did not see
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    delivery.attempts += 1
    delivery.last_status = status
    delivery.lease_until = None
    if ok:
        delivery.state = DeliveryState.delivered
        delivery.delivered_at = now
        delivery.last_error = None
    else:
        delivery.last_error = (error or f"HTTP {status}")[:500]
        if delivery.attempts >= policy.max_attempts:
            delivery.state = DeliveryState.failed
        else:
            delivery.next_attempt_at = now + dt.timedelta(seconds=policy.delay(delivery.attempts))
    session.commit()
    return delivery


def retry(session: Session, shop_id: str, delivery_id: int) -> Delivery:
    """Send a failed delivery again (an agent's button). Commits."""
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    if delivery is None or delivery.shop_id != shop_id:
        raise NotFound(f"no delivery {delivery_id} in shop {shop_id!r}")
    if delivery.state != DeliveryState.failed:
        raise Conflict(f"delivery {delivery_id} is {delivery.state.value}, not failed")
    delivery.state = DeliveryState.pending
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.lease_until = None
    session.commit()
    return delivery


def delivery_view(delivery: Optional[Delivery]) -> Optional[Dict[str, Any]]:
    if delivery is None:
        return None
    return {"id": delivery.id, "reply_id": delivery.reply_id,
            "idempotency_key": delivery.idempotency_key, "state": delivery.state.value,
            "attempts": delivery.attempts, "last_status": delivery.last_status,
            "last_error": delivery.last_error,
            "next_attempt_at": (as_utc(delivery.next_attempt_at).isoformat()
                                if delivery.state == DeliveryState.pending else None),
            "delivered_at": as_utc(delivery.delivered_at).isoformat()
            if delivery.delivered_at else None}


def counts(session: Session, shop_id: str) -> Dict[str, int]:
    rows = session.execute(select(Delivery.state, func.count()).where(
        Delivery.shop_id == shop_id).group_by(Delivery.state)).all()
    found = {state.value: n for state, n in rows}
    return {s.value: found.get(s.value, 0) for s in DeliveryState}
