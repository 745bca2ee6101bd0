"""The service's one memory: the newest message's slots, or, for messages stored before
slots were kept, the last order number and intent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.dialogue.memory import newest_message_id, remembered
from bot.store.db import make_engine, migrate, session_factory
from bot.store.models import Shop
from bot.store.service_models import BuyerMessage, Conversation

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    with session_factory(make_engine(url))() as s:
        s.add(Shop(id="wuhan", name="暖暖家居旗舰店", ships_from="湖北省武汉市"))
        s.flush()
        yield s


def add(session: Session, conversation: Conversation, intent: str, order: str = None,
        slots: dict = None) -> BuyerMessage:
    m = BuyerMessage(shop_id="wuhan", conversation=conversation, client_message_id=f"m{intent}"
                     f"{len(conversation.messages)}", text="…", received_at=NOW, intent=intent,
                     order_id=order, slots=slots, ranking=[], entities=[], tokens=[])
    session.add(m)
    session.flush()
    return m


def conversation(session: Session) -> Conversation:
    c = Conversation(shop_id="wuhan", external_id="c1", created_at=NOW, last_message_at=NOW,
                     unread=0)
    session.add(c)
    session.flush()
    return c


def test_a_new_conversation_starts_empty(session: Session) -> None:
    state = remembered(session, None)
    assert state.version is None and set(state.slots.values()) == {None}


def test_the_newest_messages_slots_are_the_state(session: Session) -> None:
    c = conversation(session)
    add(session, c, "shipping_query", "O1", {"order_id": "O1", "topic": "shipping_query"})
    last = add(session, c, "greet", "O1", {"order_id": "O2", "topic": "refund"})
    state = remembered(session, c.id)
    assert state.version == last.id == newest_message_id(session, c.id)
    assert state.slots["order_id"] == "O2" and state.slots["topic"] == "refund"


def test_messages_stored_before_slots_give_the_last_order_and_topical_intent(
        session: Session) -> None:
    c = conversation(session)
    add(session, c, "greet", "O1")
    add(session, c, "refund", None)
    assert remembered(session, c.id).slots["order_id"] == "O1"
    assert remembered(session, c.id).slots["topic"] == "refund"
    add(session, c, "goodbye", None)
    assert remembered(session, c.id).slots["topic"] is None  # not a question to continue
