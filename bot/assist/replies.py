"""Replies that reach a buyer: only through an agent's decision here (or the off-hours
auto-reply in ``ingest``). Every reply records who sent it, the suggestion it came
from, the buyer message it answers and the final text.

The answer model: a reply settles the open messages it answers — the one it answers
and every earlier open message of the conversation (state ``answered``, who, when,
which reply). An agent may also settle one message without a reply (``handled``,
``skipped``). Each decision is taken once in the database (``bot.assist.decisions``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import List, Optional, Tuple

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from bot.assist.decisions import (
    check_undecided,
    decide,
    last_message,
    latest_open,
    lock_conversation,
    message_conflict,
    needs_confirm,
    quiet,
    recent_duplicate,
    settle,
    suggestion_conflict,
)
from bot.assist.errors import Conflict, InvalidInput, NotFound
from bot.assist.validation import clean_text
from bot.channels import outbox
from bot.compliance import check, load_rules
from bot.phrases import INTENTS
from bot.store.service_models import (
    BuyerMessage,
    Conversation,
    MessageState,
    Reply,
    ReplyKind,
    Suggestion,
    SuggestionStatus,
    User,
    as_utc,
)

NOTE_CHARS = 200


@dataclass
class Sent:
    reply: Reply
    settled_message_ids: List[int]  # the buyer messages this reply settled


def find_conversation(session: Session, shop_id: str, external_id: str) -> Conversation:
    conversation = session.execute(select(Conversation).where(
        Conversation.shop_id == shop_id, Conversation.external_id == external_id)).scalar()
    if conversation is None:
        raise NotFound(f"no conversation {external_id!r} in shop {shop_id!r}")
    return conversation


def find_suggestion(session: Session, shop_id: str, suggestion_id: int) -> Suggestion:
    suggestion = session.execute(
        select(Suggestion).join(BuyerMessage).where(Suggestion.id == suggestion_id,
                                                    BuyerMessage.shop_id == shop_id)).scalar()
    if suggestion is None:
        raise NotFound(f"no suggestion {suggestion_id} in shop {shop_id!r}")
    return suggestion


def compliance_check(shop_id: str, text: str, confirmed: bool) -> Optional[dict]:
    """Refuse a blocked reply; ask once for a confirm on warnings. The confirmed
    warnings are returned, to be kept with the reply."""
    verdict = check(text, load_rules(shop_id))
    if verdict.blocked:
        reasons = "；".join(dict.fromkeys(f.reason for f in verdict.findings
                                          if f.severity == "block"))
        raise InvalidInput(f"reply blocked: {reasons}", {"compliance": verdict.payload()})
    if verdict.warnings and not confirmed:
        raise needs_confirm(verdict.payload(), None)
    return verdict.payload() if verdict.warnings else None


def edit_ratio(original: str, final: str) -> float:
    return round(1 - SequenceMatcher(None, original, final).ratio(), 3)


def approve(session: Session, user: User, shop_id: str, suggestion_id: int,
            edited_text: Optional[str], now: dt.datetime, confirmed: bool = False) -> Sent:
    """Send the suggestion (as is, or edited): it answers its message."""
    suggestion = find_suggestion(session, shop_id, suggestion_id)
    check_undecided(suggestion)
    text = clean_text(edited_text, "edited text") if edited_text is not None else suggestion.text
    findings = compliance_check(shop_id, text, confirmed)
    edited = text != suggestion.text
    message_id, conversation_id, original = (suggestion.message_id,
                                             suggestion.message.conversation_id, suggestion.text)

    def work() -> Tuple[int, List[int]]:
        lock_conversation(session, conversation_id, read=True)
        decided = session.execute(quiet(update(Suggestion).where(
            Suggestion.id == suggestion_id, Suggestion.status == SuggestionStatus.pending)
            .values(status=SuggestionStatus.edited if edited else SuggestionStatus.approved,
                    decided_by=user.name, decided_at=as_utc(now))))
        if decided.rowcount != 1:
            raise suggestion_conflict(session, suggestion_id)
        reply = Reply(conversation_id=conversation_id, message_id=message_id,
                      suggestion_id=suggestion_id, answers_message_id=message_id,
                      kind=ReplyKind.edited if edited else ReplyKind.approved, text=text,
                      original_text=original, edit_ratio=edit_ratio(original, text),
                      approved_by=user.name, created_at=as_utc(now), compliance=findings)
        session.add(reply)
        session.flush()
        outbox.enqueue(session, reply, session.get(Conversation, reply.conversation_id))
        return reply.id, settle(session, conversation_id, message_id, MessageState.answered,
                                user.name, now, reply.id)

    reply_id, settled = decide(session, work, lambda: suggestion_conflict(session, suggestion_id))
    return Sent(session.get(Reply, reply_id), settled)


def reject(session: Session, user: User, shop_id: str, suggestion_id: int,
           correct_intent: Optional[str], reason: Optional[str], now: dt.datetime) -> Suggestion:
    """Reject one suggestion. The message stays open (for a typed reply), even when
    every suggestion is rejected; a suggestion of a settled message cannot be rejected."""
    suggestion = find_suggestion(session, shop_id, suggestion_id)
    check_undecided(suggestion)
    if correct_intent is not None and correct_intent not in INTENTS:
        raise InvalidInput(f"unknown intent {correct_intent!r}; one of: {', '.join(INTENTS)}")
    reason = clean_text(reason, "reason", 500) if reason else None
    message_id, conversation_id = suggestion.message_id, suggestion.message.conversation_id

    def work() -> None:
        lock_conversation(session, conversation_id, read=False)
        still_open = exists().where(BuyerMessage.id == message_id,
                                    BuyerMessage.state == MessageState.open)
        decided = session.execute(quiet(update(Suggestion).where(
            Suggestion.id == suggestion_id, Suggestion.status == SuggestionStatus.pending,
            still_open).values(status=SuggestionStatus.rejected, decided_by=user.name,
                               decided_at=as_utc(now), correct_intent=correct_intent,
                               reject_reason=reason)))
        if decided.rowcount != 1:
            raise suggestion_conflict(session, suggestion_id)

    decide(session, work, lambda: suggestion_conflict(session, suggestion_id))
    return session.get(Suggestion, suggestion_id)


def send_free_text(session: Session, user: User, shop_id: str, conversation_id: str, text: str,
                   now: dt.datetime, confirmed: bool = False,
                   message_id: Optional[int] = None) -> Sent:
    """Send the agent's own words. They answer ``message_id`` (a message of this
    conversation that is still open) or, without it, the latest open message; with no
    message open the reply is a follow-up that settles nothing. The same text sent
    again within two minutes needs ``confirmed``, as compliance warnings do."""
    text = clean_text(text)
    conversation = find_conversation(session, shop_id, conversation_id)
    cid = conversation.id
    findings = compliance_check(shop_id, text, confirmed=True)  # blocks raise; warnings kept

    def work() -> Tuple[int, List[int]]:
        lock_conversation(session, cid, read=True)
        if message_id is not None:
            target: Optional[int] = message_id
            state = session.execute(select(BuyerMessage.state).where(
                BuyerMessage.id == message_id, BuyerMessage.conversation_id == cid)).scalar()
            if state != MessageState.open:
                raise message_conflict(session, message_id, cid)
        else:
            target = latest_open(session, cid)
        duplicate = recent_duplicate(session, cid, text, now)
        if not confirmed and (findings or duplicate is not None):
            raise needs_confirm(findings, duplicate)
        reply = Reply(conversation_id=cid, message_id=target or last_message(session, cid),
                      answers_message_id=target, kind=ReplyKind.free_text, text=text,
                      approved_by=user.name, created_at=as_utc(now), compliance=findings)
        session.add(reply)
        session.flush()
        outbox.enqueue(session, reply, session.get(Conversation, reply.conversation_id))
        settled = (settle(session, cid, target, MessageState.answered, user.name, now, reply.id)
                   if target is not None else [])
        return reply.id, settled

    def explain() -> Conflict:
        if message_id is not None:
            return message_conflict(session, message_id, cid)
        return Conflict("another reply answered this conversation at the same moment; "
                        "reload it and try again")

    reply_id, settled = decide(session, work, explain)
    return Sent(session.get(Reply, reply_id), settled)


def settle_message(session: Session, user: User, shop_id: str, conversation_id: str,
                   message_id: int, state: MessageState, note: Optional[str],
                   now: dt.datetime) -> BuyerMessage:
    """Mark one open message handled or skipped (no reply); its suggestions are
    superseded. ``Conflict`` when it is no longer open."""
    if state not in (MessageState.handled, MessageState.skipped):
        raise InvalidInput(f"a message is marked handled or skipped, not {state.value}")
    conversation = find_conversation(session, shop_id, conversation_id)
    cid = conversation.id
    message = session.get(BuyerMessage, message_id)
    if message is None or message.conversation_id != cid:
        raise NotFound(f"no message {message_id} in conversation {conversation_id!r}")
    note = clean_text(note, "note", NOTE_CHARS) if note else None

    def work() -> None:
        lock_conversation(session, cid, read=False)
        settle(session, cid, message_id, state, user.name, now, note=note)

    decide(session, work, lambda: message_conflict(session, message_id, cid))
    return session.get(BuyerMessage, message_id)
