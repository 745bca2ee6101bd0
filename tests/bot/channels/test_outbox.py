"""The outbox: one row per reply of a webhook conversation, leased by one worker at a
time, oldest first and one at a time per conversation; retries back off, then fail."""

from __future__ import annotations

import datetime as dt
from typing import List

from sqlalchemy.orm import Session

from bot.channels import outbox
from bot.channels.config import configure
from bot.store.channel_models import Delivery, DeliveryState
from bot.store.demo import load_demo
from bot.store.service_models import Conversation, Reply, ReplyKind, utcnow

POLICY = outbox.RetryPolicy(max_attempts=3, backoff_seconds=2, backoff_cap_seconds=5)


def _conversation(session: Session, external: str, channel: str = "webhook") -> Conversation:
    conversation = Conversation(shop_id="wuhan", external_id=external, channel=channel)
    session.add(conversation)
    session.flush()
    return conversation


def _reply(session: Session, conversation: Conversation, text: str) -> Delivery:
    reply = Reply(conversation_id=conversation.id, kind=ReplyKind.free_text, text=text,
                  approved_by="agent", created_at=utcnow())
    session.add(reply)
    session.flush()
    return outbox.enqueue(session, reply, conversation)


def _ready(session: Session) -> List[Conversation]:
    load_demo(session)
    session.commit()
    configure(session, "wuhan", webhook_url="http://127.0.0.1:9/replies")
    a, b = _conversation(session, "qn-a"), _conversation(session, "qn-b")
    for text in ("一", "二"):
        _reply(session, a, text)
    _reply(session, b, "三")
    session.commit()
    return [a, b]


def test_oldest_first_one_per_conversation_and_one_worker_each(session: Session) -> None:
    a, b = _ready(session)
    now = utcnow() + dt.timedelta(seconds=1)
    first = outbox.claim(session, now)
    texts = sorted(session.get(Delivery, i).reply.text for i in first)
    assert texts == ["一", "三"], "the second reply of qn-a waits for the first"
    assert outbox.claim(session, now) == [], "leased rows are not handed out twice"
    outbox.record(session, first[0], now, True, 200, None, POLICY)
    [second] = outbox.claim(session, now)
    assert session.get(Delivery, second).reply.text == "二"


def test_an_expired_lease_is_taken_over(session: Session) -> None:
    _ready(session)
    now = utcnow() + dt.timedelta(seconds=1)
    taken = outbox.claim(session, now)
    later = now + dt.timedelta(seconds=outbox.LEASE_SECONDS + 1)
    assert sorted(outbox.claim(session, later)) == sorted(taken)


def test_failures_back_off_then_fail_and_stop_blocking(session: Session) -> None:
    a, _ = _ready(session)
    now = utcnow() + dt.timedelta(seconds=1)
    first = min(outbox.claim(session, now))
    done = outbox.record(session, first, now, False, 503, None, POLICY)
    assert done.state == DeliveryState.pending and done.last_error == "HTTP 503"
    assert done.next_attempt_at == now + dt.timedelta(seconds=2)
    for attempt in (2, 3):
        now = now + dt.timedelta(seconds=10)
        assert first in outbox.claim(session, now)
        done = outbox.record(session, first, now, False, None, "ConnectError", POLICY)
        assert done.attempts == attempt
    assert done.state == DeliveryState.failed
    # a failed reply no longer holds back the next one of its conversation
    assert "二" in [session.get(Delivery, i).reply.text
                   for i in outbox.claim(session, now + dt.timedelta(seconds=10))]


def test_only_webhook_conversations_with_a_url_get_rows(session: Session) -> None:
    load_demo(session)
    session.commit()
    web = _conversation(session, "web-v-x", channel="web")
    assert _reply(session, web, "你好") is None
    configure(session, "wuhan", webhook_url=None)
    hook = _conversation(session, "qn-z")
    assert _reply(session, hook, "你好") is None
