"""Replies that reach a buyer: only through an agent's decision here (or the off-hours
auto-reply in ``ingest``). Every reply records who sent it, the suggestion it came
from and the final text."""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.assist.errors import Conflict, InvalidInput, NotFound
from bot.assist.validation import clean_text
from bot.compliance import check, load_rules
from bot.phrases import INTENTS
from bot.store.service_models import (
    BuyerMessage,
    Conversation,
    Reply,
    ReplyKind,
    Suggestion,
    SuggestionStatus,
    User,
    as_utc,
)


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


def _pending(suggestion: Suggestion) -> None:
    if suggestion.status == SuggestionStatus.superseded:
        raise Conflict(f"suggestion {suggestion.id} was superseded: the message was already answered")
    if suggestion.status != SuggestionStatus.pending:
        raise Conflict(f"suggestion {suggestion.id} was already {suggestion.status.value} "
                       f"by {suggestion.decided_by}")


def compliance_check(shop_id: str, text: str, confirmed: bool) -> Optional[dict]:
    """Refuse a blocked reply; ask once for a confirm on warnings. The confirmed
    warnings are returned, to be kept with the reply."""
    verdict = check(text, load_rules(shop_id))
    if verdict.blocked:
        reasons = "；".join(dict.fromkeys(f.reason for f in verdict.findings
                                          if f.severity == "block"))
        raise InvalidInput(f"reply blocked: {reasons}", {"compliance": verdict.payload()})
    if verdict.warnings and not confirmed:
        reasons = "；".join(dict.fromkeys(f.reason for f in verdict.warnings))
        raise Conflict(f"reply needs confirming: {reasons}",
                       {"compliance": verdict.payload(), "needs_confirm": True})
    return verdict.payload() if verdict.warnings else None


def edit_ratio(original: str, final: str) -> float:
    return round(1 - SequenceMatcher(None, original, final).ratio(), 3)


def _supersede(message: Optional[BuyerMessage], now: dt.datetime) -> None:
    """The message is answered: its other open suggestions are no longer waiting."""
    for other in (message.suggestions if message is not None else []):
        if other.status == SuggestionStatus.pending:
            other.status, other.decided_at = SuggestionStatus.superseded, as_utc(now)


def approve(session: Session, user: User, shop_id: str, suggestion_id: int,
            edited_text: Optional[str], now: dt.datetime, confirmed: bool = False) -> Reply:
    suggestion = find_suggestion(session, shop_id, suggestion_id)
    _pending(suggestion)
    text = clean_text(edited_text, "edited text") if edited_text is not None else suggestion.text
    findings = compliance_check(shop_id, text, confirmed)
    edited = text != suggestion.text
    suggestion.status = SuggestionStatus.edited if edited else SuggestionStatus.approved
    suggestion.decided_by, suggestion.decided_at = user.name, as_utc(now)
    conversation = suggestion.message.conversation
    reply = Reply(conversation=conversation, message=suggestion.message, suggestion=suggestion,
                  kind=ReplyKind.edited if edited else ReplyKind.approved, text=text,
                  original_text=suggestion.text, edit_ratio=edit_ratio(suggestion.text, text),
                  approved_by=user.name, created_at=as_utc(now), compliance=findings)
    session.add(reply)
    _supersede(suggestion.message, now)
    conversation.unread = 0
    session.commit()
    return reply


def reject(session: Session, user: User, shop_id: str, suggestion_id: int,
           correct_intent: Optional[str], reason: Optional[str], now: dt.datetime) -> Suggestion:
    suggestion = find_suggestion(session, shop_id, suggestion_id)
    _pending(suggestion)
    if correct_intent is not None and correct_intent not in INTENTS:
        raise InvalidInput(f"unknown intent {correct_intent!r}; one of: {', '.join(INTENTS)}")
    suggestion.status = SuggestionStatus.rejected
    suggestion.decided_by, suggestion.decided_at = user.name, as_utc(now)
    suggestion.correct_intent = correct_intent
    suggestion.reject_reason = clean_text(reason, "reason", 500) if reason else None
    session.commit()
    return suggestion


def send_free_text(session: Session, user: User, shop_id: str, conversation_id: str, text: str,
                   now: dt.datetime, confirmed: bool = False) -> Reply:
    text = clean_text(text)
    conversation = find_conversation(session, shop_id, conversation_id)
    findings = compliance_check(shop_id, text, confirmed)
    last = conversation.messages[-1] if conversation.messages else None
    reply = Reply(conversation=conversation, message=last, kind=ReplyKind.free_text, text=text,
                  approved_by=user.name, created_at=as_utc(now), compliance=findings)
    session.add(reply)
    _supersede(last, now)
    conversation.unread = 0
    session.commit()
    return reply
