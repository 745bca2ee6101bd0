"""The service's one memory of a conversation: the SQL conversation of record.

Each stored buyer message keeps the conversation's state after it
(``buyer_messages.slots``); the state a new turn starts from is its newest
message's, read by one indexed query however long the conversation is. Its
``version`` (that message's id) lets the writer check that no other message of the
conversation was stored meanwhile (``bot.assist.ingest``): turns of one
conversation then take effect one after another, in every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.dialogue.routes import route
from bot.dialogue.state import Slots, empty_slots
from bot.store.service_models import BuyerMessage


@dataclass(frozen=True)
class Remembered:
    version: Optional[int]  # the newest message's id (None: no message yet)
    slots: Slots


def newest_message_id(session: Session, conversation_id: Optional[int]) -> Optional[int]:
    if conversation_id is None:
        return None
    return session.execute(select(func.max(BuyerMessage.id))
                           .where(BuyerMessage.conversation_id == conversation_id)).scalar()


def remembered(session: Session, conversation_id: Optional[int]) -> Remembered:
    """The state a conversation's next turn starts from."""
    if conversation_id is None:
        return Remembered(None, empty_slots())
    row = session.execute(
        select(BuyerMessage.id, BuyerMessage.slots, BuyerMessage.intent)
        .where(BuyerMessage.conversation_id == conversation_id)
        .order_by(BuyerMessage.id.desc()).limit(1)).first()
    if row is None:
        return Remembered(None, empty_slots())
    if row.slots is not None:
        return Remembered(row.id, {**empty_slots(), **row.slots})
    # stored before messages kept their state: the last order and the last intent
    order = session.execute(
        select(BuyerMessage.order_id)
        .where(BuyerMessage.conversation_id == conversation_id, BuyerMessage.order_id.isnot(None))
        .order_by(BuyerMessage.id.desc()).limit(1)).scalar()
    topic = row.intent if row.intent and route(row.intent).topical else None
    return Remembered(row.id, {**empty_slots(), "order_id": order, "topic": topic})
