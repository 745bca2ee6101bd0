"""Every decision on a buyer message is taken once, in the database.

A decision (approve, edit, reject, typed reply, handled, skip) runs as one
transaction that

1. takes the conversation's row lock first (``UPDATE conversations … WHERE id``):
   decisions in one conversation then run one after another, always locking rows in
   the same order, so siblings cannot deadlock;
2. changes state with conditional updates only — ``UPDATE suggestions SET status=…
   WHERE id=:id AND status='pending'``, ``UPDATE buyer_messages SET state=… WHERE …
   AND state='open'`` — and checks the row count: the loser of a race gets a
   ``Conflict`` naming who decided first;
3. inserts the reply, whose unique constraints (one reply per suggestion, one per
   answered message) are the last line of defence.

Deadlocks, serialisation failures and a locked SQLite file are retried
(``bot.store.retry``), never reported as an outage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.assist.errors import Conflict
from bot.store.retry import StillContended, retrying
from bot.store.service_models import (
    BuyerMessage,
    Conversation,
    MessageState,
    Reply,
    ReplyKind,
    Suggestion,
    SuggestionStatus,
    as_utc,
)

T = TypeVar("T")
AGENT_KINDS = (ReplyKind.approved, ReplyKind.edited, ReplyKind.free_text)
DUPLICATE_WINDOW = dt.timedelta(seconds=120)
_DONE = {MessageState.answered: "answered", MessageState.handled: "marked handled",
         MessageState.skipped: "skipped"}


def quiet(statement: Any) -> Any:
    """Core-style ORM update: the objects in the session are refreshed after commit."""
    return statement.execution_options(synchronize_session=False)


def lock_conversation(session: Session, conversation_id: int, read: bool) -> None:
    """The first write of every decision: the conversation's row lock (``read`` also
    clears the unread count, as answering does)."""
    values = {"unread": 0} if read else {"unread": Conversation.unread}
    session.execute(quiet(update(Conversation).where(Conversation.id == conversation_id)
                           .values(**values)))


def message_conflict(session: Session, message_id: int, conversation_id: Optional[int] = None
                     ) -> Conflict:
    """Why message ``message_id`` cannot be settled now (read fresh)."""
    message = session.get(BuyerMessage, message_id, populate_existing=True)
    if message is None or (conversation_id is not None
                           and message.conversation_id != conversation_id):
        return Conflict(f"message {message_id} is not a message of this conversation",
                        {"message_id": message_id})
    if message.state == MessageState.open:
        return Conflict(f"message {message_id} changed at the same moment; try again",
                        {"message_id": message_id, "state": "open"})
    how = _DONE[message.state]
    by_reply = f" (reply {message.settled_by_reply_id})" if message.settled_by_reply_id else ""
    return Conflict(f"message {message_id} was already {how} by {message.settled_by}{by_reply}",
                    {"message_id": message_id, "state": message.state.value,
                     "settled_by": message.settled_by,
                     "settled_by_reply_id": message.settled_by_reply_id})


def suggestion_conflict(session: Session, suggestion_id: int) -> Conflict:
    """Why suggestion ``suggestion_id`` cannot be decided now (read fresh)."""
    suggestion = session.get(Suggestion, suggestion_id, populate_existing=True)
    assert suggestion is not None
    message = session.get(BuyerMessage, suggestion.message_id, populate_existing=True)
    extra = {"suggestion_id": suggestion_id, "status": suggestion.status.value,
             "decided_by": suggestion.decided_by}
    if message is not None and message.state != MessageState.open:
        how = _DONE[message.state]
        verb = ("was superseded" if suggestion.status == SuggestionStatus.superseded
                else f"was already {suggestion.status.value} by {suggestion.decided_by}"
                if suggestion.status != SuggestionStatus.pending else "cannot be decided")
        return Conflict(f"suggestion {suggestion_id} {verb}: the message was already {how} "
                        f"by {message.settled_by}",
                        {**extra, "settled_by": message.settled_by,
                         "settled_by_reply_id": message.settled_by_reply_id})
    if suggestion.status == SuggestionStatus.pending:
        return Conflict(f"suggestion {suggestion_id} changed at the same moment; try again", extra)
    return Conflict(f"suggestion {suggestion_id} was already {suggestion.status.value} "
                    f"by {suggestion.decided_by}", extra)


def check_undecided(suggestion: Suggestion) -> None:
    """Before any prompt (compliance, confirm): refuse what is visibly decided already."""
    message = suggestion.message
    if message.state != MessageState.open or suggestion.status != SuggestionStatus.pending:
        raise suggestion_conflict(Session.object_session(suggestion), suggestion.id)


def supersede(session: Session, message_ids: List[int], now: dt.datetime) -> None:
    """The messages are settled: their suggestions still pending are no longer waiting."""
    if message_ids:
        session.execute(quiet(update(Suggestion).where(
            Suggestion.message_id.in_(message_ids), Suggestion.status == SuggestionStatus.pending)
            .values(status=SuggestionStatus.superseded, decided_at=as_utc(now))))


def settle(session: Session, conversation_id: int, message_id: int, state: MessageState,
           user_name: str, now: dt.datetime, reply_id: Optional[int] = None,
           note: Optional[str] = None) -> List[int]:
    """Settle ``message_id`` (it must be open: else ``Conflict``) and, for a reply, every
    earlier open message of the conversation; supersede their pending suggestions.
    Returns the ids of the messages settled."""
    values = {"state": state, "settled_by": user_name, "settled_at": as_utc(now),
              "settled_by_reply_id": reply_id, "settled_note": note}
    target = session.execute(quiet(update(BuyerMessage).where(
        BuyerMessage.id == message_id, BuyerMessage.conversation_id == conversation_id,
        BuyerMessage.state == MessageState.open).values(**values)))
    if target.rowcount != 1:
        raise message_conflict(session, message_id, conversation_id)
    settled = [message_id]
    if reply_id is not None:
        session.execute(quiet(update(BuyerMessage).where(
            BuyerMessage.conversation_id == conversation_id, BuyerMessage.id < message_id,
            BuyerMessage.state == MessageState.open).values(**values)))
        settled = list(session.execute(select(BuyerMessage.id).where(
            BuyerMessage.settled_by_reply_id == reply_id).order_by(BuyerMessage.id)).scalars())
    supersede(session, settled, now)
    return settled


def latest_open(session: Session, conversation_id: int) -> Optional[int]:
    return session.execute(select(func.max(BuyerMessage.id)).where(
        BuyerMessage.conversation_id == conversation_id,
        BuyerMessage.state == MessageState.open)).scalar()


def last_message(session: Session, conversation_id: int) -> Optional[int]:
    return session.execute(select(func.max(BuyerMessage.id)).where(
        BuyerMessage.conversation_id == conversation_id)).scalar()


def recent_duplicate(session: Session, conversation_id: int, text: str,
                     now: dt.datetime) -> Optional[int]:
    """The id of an agent reply with this exact text sent to the conversation in the
    last two minutes, if any."""
    return session.execute(select(Reply.id).where(
        Reply.conversation_id == conversation_id, Reply.kind.in_(AGENT_KINDS),
        Reply.text == text, Reply.created_at >= as_utc(now) - DUPLICATE_WINDOW)
        .order_by(Reply.id.desc()).limit(1)).scalar()


def needs_confirm(compliance: Optional[dict], duplicate_of: Optional[int]) -> Conflict:
    """One prompt for everything the agent must confirm: compliance warnings and a
    repeated text (``confirm=true`` sends despite both)."""
    reasons: List[str] = []
    extra: Dict[str, Any] = {"needs_confirm": True}
    if compliance:
        reasons += list(dict.fromkeys(f["reason"] for f in compliance["findings"]
                                      if f["severity"] == "warn"))
        extra["compliance"] = compliance
    if duplicate_of is not None:
        reasons.append(f"the same text was sent to this conversation less than "
                       f"{int(DUPLICATE_WINDOW.total_seconds())} s ago (reply {duplicate_of})")
        extra["duplicate_of"] = duplicate_of
    return Conflict("reply needs confirming: " + "；".join(reasons), extra)


def decide(session: Session, work: Callable[[], T], explain: Callable[[], Conflict]) -> T:
    """Run one decision: committed once, retried on deadlocks and busy files; a unique
    constraint that fires means another agent won (``explain`` says who)."""
    try:
        result = retrying(session, work)
    except IntegrityError:
        raise explain() from None
    except StillContended:
        raise Conflict("other agents were deciding in this conversation at the same moment; "
                       "reload it and try again", {"retry": True}) from None
    session.expire_all()  # the conditional updates bypassed the objects already loaded
    return result
