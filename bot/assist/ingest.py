"""A buyer message in: stored once, understood by Rasa, answered with suggestions.

One turn, one path (``bot.dialogue.turn``): the NLU reads the message, the turn is
answered in the state its conversation is in (``bot.dialogue.memory``), and the
message is stored with the state after it, all synchronously on a worker thread.
Turns of one conversation take effect in order in every process: the write takes
the conversation's row lock, and if another message was stored since the state was
read, the turn is answered again in the new state (the parse is kept).

Idempotent on the client's message id: sending the same message again returns
what was stored the first time, and a different message under a used id is
refused. Outside business hours the first message of a conversation in each
closed period gets the off-hours auto-reply, the one reply that needs no agent.

Every buyer text is stored whole, whatever it contains (``buyer_text``); the
NLU reads its first characters only (``nlu_view``). A buyer id names a buyer of
the conversation's shop: one of another shop is refused (422). A buyer id the
order store does not know is accepted: a new buyer, with no orders yet.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from bot.assist.assistant import Assistant
from bot.assist.decisions import lock_conversation
from bot.assist.errors import Conflict, InvalidInput, NotFound
from bot.assist.validation import buyer_text
from bot.channels import outbox
from bot.dialogue.memory import newest_message_id, remembered
from bot.dialogue.turn import Outcome
from bot.offhours import auto_reply, closed_window
from bot.phrases import shop_library
from bot.policy import shop_policy
from bot.store.models import Buyer, Shop
from bot.store.retry import is_transient
from bot.store.runtime import bind_session
from bot.store.service_models import (
    BuyerMessage,
    Conversation,
    Reply,
    ReplyKind,
    Suggestion,
    as_utc,
)

RANKING_KEPT = 5
ATTEMPTS = 5  # the last one stores without the state check: a message is never lost
_ENTITY_KEYS = ("entity", "value", "start", "end", "confidence_entity", "additional_info")


@dataclass
class Ingested:
    message: BuyerMessage
    auto_reply: Optional[Reply]
    created: bool


def find_message(session: Session, shop_id: str, client_message_id: str) -> Optional[BuyerMessage]:
    return session.execute(select(BuyerMessage).where(
        BuyerMessage.shop_id == shop_id,
        BuyerMessage.client_message_id == client_message_id)).scalar()


def _replay(existing: BuyerMessage, conversation_id: str, text: str) -> Ingested:
    if existing.conversation.external_id != conversation_id or existing.text != text:
        raise Conflict(f"client_message_id {existing.client_message_id!r} was already used "
                       "for a different message")
    auto = next((r for r in existing.conversation.replies
                 if r.message_id == existing.id and r.kind == ReplyKind.auto_offhours), None)
    return Ingested(existing, auto, created=False)


def _conversation(session: Session, shop_id: str, external_id: str) -> Optional[Conversation]:
    return session.execute(select(Conversation).where(
        Conversation.shop_id == shop_id, Conversation.external_id == external_id)).scalar()


def _check_buyer(conversation: Optional[Conversation], external_id: str,
                 buyer_id: Optional[str]) -> None:
    if conversation and buyer_id and conversation.buyer_id and buyer_id != conversation.buyer_id:
        raise Conflict(f"conversation {external_id!r} belongs to another buyer")


def _check_buyer_shop(session: Session, shop_id: str, buyer_id: Optional[str]) -> None:
    if not buyer_id:
        return
    buyer = session.get(Buyer, buyer_id)
    if buyer is not None and buyer.shop_id != shop_id:
        raise InvalidInput(f"buyer {buyer_id!r} is a buyer of another shop, not of {shop_id!r}")


def _open_conversation(session: Session, known: Optional[Conversation], shop_id: str,
                       external_id: str, buyer_id: Optional[str], now: dt.datetime,
                       channel: str) -> Conversation:
    # ``known`` was read before the turn was answered; a first message may have raced us
    conversation = known or _conversation(session, shop_id, external_id)
    if conversation is None:
        conversation = Conversation(shop_id=shop_id, external_id=external_id, buyer_id=buyer_id,
                                    created_at=now, last_message_at=now, unread=0,
                                    channel=channel)
        session.add(conversation)
    else:
        if buyer_id and not conversation.buyer_id:
            conversation.buyer_id = buyer_id
        if channel == "webhook" and conversation.channel == "api":
            conversation.channel = channel  # the shop's chat system took it over
    return conversation


def _entities(parse: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [{k: e[k] for k in _ENTITY_KEYS if k in e} for e in parse.get("entities") or []]


def _message(conversation: Conversation, client_message_id: str, text: str, now: dt.datetime,
             outcome: Outcome) -> BuyerMessage:
    intent = outcome.parse.get("intent") or {}
    ranking = [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
               for r in (outcome.parse.get("intent_ranking") or [])[:RANKING_KEPT]]
    payload = outcome.payload
    message = BuyerMessage(
        shop_id=conversation.shop_id, conversation=conversation,
        client_message_id=client_message_id, text=text, received_at=now,
        intent=intent.get("name"), confidence=round(float(intent.get("confidence") or 0), 4),
        ranking=ranking, entities=_entities(outcome.parse),
        tokens=[{"text": t.get("text"), "start": t.get("start"), "end": t.get("end")}
                for t in outcome.parse.get("tokens") or []],
        order_id=payload.get("order_id"), slots=outcome.slots,
        context=payload.get("context") or None,
        escalate=bool(payload.get("escalate")), degraded=outcome.degraded,
        degraded_reason=outcome.reason or payload.get("error"))
    for rank, s in enumerate(payload.get("suggestions") or []):
        message.suggestions.append(Suggestion(rank=rank, text=s["text"], phrase_id=s.get("phrase_id"),
                                              intent=s.get("intent"), label=s.get("label"),
                                              score=s.get("score")))
    return message


def _auto_reply(session: Session, conversation: Conversation, message: BuyerMessage,
                now: dt.datetime) -> Optional[Reply]:
    policy = shop_policy(conversation.shop_id)
    if closed_window(policy, now) is None:
        return None
    sent = [] if conversation.id is None else session.execute(
        select(Reply.offhours_window).where(Reply.conversation_id == conversation.id,
                                            Reply.offhours_window.isnot(None))).scalars().all()
    answer = auto_reply(policy, shop_library(conversation.shop_id), now, message.intent, sent)
    if answer is None:
        return None
    reply = Reply(conversation=conversation, message=message, kind=ReplyKind.auto_offhours,
                  text=answer.text, offhours_window=answer.window, created_at=now)
    session.add(reply)
    return reply


def ingest(session: Session, assistant: Assistant, shop_id: str, conversation_id: str,
           client_message_id: str, text: str, buyer_id: Optional[str], now: dt.datetime,
           degraded: Optional[str] = None, item_id: Optional[str] = None,
           channel: str = "api") -> Ingested:
    """Store a buyer message with its suggestions (``degraded``: why the service runs
    with less than it should, e.g. live updates without Redis; ``item_id``: the item
    the buyer is chatting from, as 千牛 shows it; ``channel``: where it came from, and
    so where its replies go)."""
    text = buyer_text(text)
    now = as_utc(now)
    if session.get(Shop, shop_id) is None:
        raise NotFound(f"unknown shop {shop_id!r}")
    _check_buyer_shop(session, shop_id, buyer_id)
    existing = find_message(session, shop_id, client_message_id)
    if existing is not None:
        return _replay(existing, conversation_id, text)
    known = _conversation(session, shop_id, conversation_id)
    _check_buyer(known, conversation_id, buyer_id)
    buyer = buyer_id or (known.buyer_id if known else None)
    session.commit()  # no transaction stays open while the NLU works
    parse, nlu_problem = assistant.understand(text)
    metadata = {"shop_id": shop_id, "buyer_id": buyer, "now": now.isoformat(),
                "item_id": item_id}
    sender = f"{shop_id}:{conversation_id}"
    for attempt in range(1, ATTEMPTS + 1):
        conversation = known if attempt == 1 else _conversation(session, shop_id, conversation_id)
        memory = remembered(session, conversation.id if conversation else None)
        with bind_session(session):
            outcome = assistant.answer(parse, memory.slots, metadata, sender,
                                       nlu_problem or degraded)
        session.commit()
        try:
            stored = _store(session, conversation, memory.version, shop_id, conversation_id,
                            buyer_id, client_message_id, text, now, outcome,
                            check=attempt < ATTEMPTS, channel=channel)
        except IntegrityError:
            session.rollback()
            existing = find_message(session, shop_id, client_message_id)
            if existing is not None:  # the same message, sent twice at once: the first won
                return _replay(existing, conversation_id, text)
            continue  # another process opened the conversation first: answer in theirs
        except DBAPIError as error:  # a busy SQLite file, a deadlock: answer again
            session.rollback()
            if not is_transient(error):
                raise
            time.sleep(random.uniform(0.005, 0.02 * attempt))
            continue
        if stored is not None:
            return stored
        # another message of this conversation was stored meanwhile: answer in its state
    raise Conflict(f"conversation {conversation_id!r} changed while this message was stored; "
                   "send it again")


def _store(session: Session, known: Optional[Conversation], version: Optional[int],
           shop_id: str, conversation_id: str, buyer_id: Optional[str], client_message_id: str,
           text: str, now: dt.datetime, outcome: Outcome, check: bool,
           channel: str = "api") -> Optional[Ingested]:
    """Write the message if the conversation is still in the state it was answered in
    (None if not); the conversation's row lock comes first, so the check holds until
    the commit in every process."""
    conversation = _open_conversation(session, known, shop_id, conversation_id, buyer_id, now,
                                      channel)
    if conversation.id is not None:
        lock_conversation(session, conversation.id, read=False)
        if check and newest_message_id(session, conversation.id) != version:
            session.rollback()
            return None
    message = _message(conversation, client_message_id, text, now, outcome)
    session.add(message)
    reply = _auto_reply(session, conversation, message, now)
    if reply is not None:
        outbox.enqueue(session, reply, conversation)  # in this transaction: never lost
    conversation.unread = (conversation.unread or 0) + 1
    conversation.last_message_at = now
    session.commit()
    return Ingested(message, reply, created=True)
