"""The supervisors' review queue: buyer messages the assistant probably got wrong.

A message is queued for one or more reasons: low intent confidence, the
out-of-scope fallback, a rejected suggestion, an agent's corrected intent, or a
reply the agent rewrote heavily. A supervisor confirms the intent, relabels it
(and its entities) or dismisses the message; confirmed and relabelled messages
become training data (``bot.assist.export``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterable, List, Optional, Set

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.assist.errors import InvalidInput, NotFound
from bot.assist.views import message_view
from bot.nlu.shop_ner import ENTITY_LABELS
from bot.phrases import INTENTS
from bot.privacy import mask, mask_pieces
from bot.store.service_models import (
    BuyerMessage,
    Reply,
    ReplyKind,
    Review,
    ReviewStatus,
    SuggestionStatus,
    User,
    as_utc,
)

LOW_CONFIDENCE = 0.6      # below this the intent is a guess worth a look
HEAVY_EDIT = 0.3          # an approved suggestion rewritten by at least this much
REASONS = ("low_confidence", "fallback", "rejected", "corrected", "edited")
ACTIONS = {"confirm": ReviewStatus.confirmed, "relabel": ReviewStatus.relabelled,
           "dismiss": ReviewStatus.dismissed}


def reasons(message: BuyerMessage, replies: Iterable[Reply]) -> List[str]:
    found: Set[str] = set()
    if message.intent == "nlu_fallback":
        found.add("fallback")
    elif (message.confidence or 0) < LOW_CONFIDENCE:
        found.add("low_confidence")
    for s in message.suggestions:
        if s.status == SuggestionStatus.rejected:
            found.add("rejected")
            if s.correct_intent and s.correct_intent != message.intent:
                found.add("corrected")
    if any(r.kind == ReplyKind.edited and (r.edit_ratio or 0) >= HEAVY_EDIT for r in replies):
        found.add("edited")
    return [r for r in REASONS if r in found]


def _item(message: BuyerMessage, why: List[str], replies: List[Reply],
          review: Optional[Review]) -> Dict[str, Any]:
    rejected = [s for s in message.suggestions if s.status == SuggestionStatus.rejected]
    shown = rejected[0] if rejected else (message.suggestions[0] if message.suggestions else None)
    sent = next((r for r in replies if r.kind != ReplyKind.auto_offhours), None)
    return {
        "message": message_view(message, masked=True), "reasons": why,
        "suggestion": None if shown is None else {
            "id": shown.id, "text": shown.text, "intent": shown.intent,
            "status": shown.status.value, "correct_intent": shown.correct_intent},
        "sent": None if sent is None else {
            "text": mask(sent.text), "kind": sent.kind.value, "approved_by": sent.approved_by,
            "original_text": mask(sent.original_text) if sent.original_text else None,
            "edit_ratio": sent.edit_ratio},
        "review": None if review is None else review_view(review),
    }


def review_view(review: Review) -> Dict[str, Any]:
    return {"message_id": review.message_id, "status": review.status.value,
            "intent": review.intent,
            "entities": mask_pieces(review.message.text, review.entities or [], key="value"),
            "reviewer": review.reviewer, "reviewed_at": as_utc(review.reviewed_at).isoformat()}


def queue(session: Session, shop_id: str, reason: Optional[str] = None,
          intent: Optional[str] = None, since: Optional[dt.datetime] = None,
          until: Optional[dt.datetime] = None, status: str = "open",
          limit: int = 100) -> Dict[str, Any]:
    """Queued messages, newest first, with the count per reason (after the other filters)."""
    if reason is not None and reason not in REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(REASONS)}")
    if status not in ("open", "reviewed", "all"):
        raise InvalidInput("status must be open, reviewed or all")
    query = (select(BuyerMessage).where(BuyerMessage.shop_id == shop_id)
             .options(selectinload(BuyerMessage.suggestions),
                      selectinload(BuyerMessage.conversation))
             .order_by(BuyerMessage.id.desc()))
    if intent:
        query = query.where(BuyerMessage.intent == intent)
    if since:
        query = query.where(BuyerMessage.received_at >= as_utc(since))
    if until:
        query = query.where(BuyerMessage.received_at < as_utc(until))
    messages = session.execute(query.limit(5000)).scalars().all()
    ids = [m.id for m in messages]
    replies: Dict[int, List[Reply]] = {}
    reviews: Dict[int, Review] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for r in session.execute(select(Reply).where(Reply.message_id.in_(chunk))).scalars():
            replies.setdefault(r.message_id, []).append(r)
        for v in session.execute(select(Review).where(Review.message_id.in_(chunk))).scalars():
            reviews[v.message_id] = v
    counts = {r: 0 for r in REASONS}
    items = []
    for m in messages:
        why = reasons(m, replies.get(m.id, []))
        review = reviews.get(m.id)
        if not why or (status == "open" and review) or (status == "reviewed" and not review):
            continue
        for r in why:
            counts[r] += 1
        if (reason is None or reason in why) and len(items) < limit:
            items.append(_item(m, why, replies.get(m.id, []), review))
    return {"items": items, "counts": counts}


def _entities(text: str, entities: Optional[List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    out = []
    for e in entities or []:
        name, start, end = e.get("entity"), e.get("start"), e.get("end")
        if name not in ENTITY_LABELS:
            raise InvalidInput(f"unknown entity {name!r}; one of: {', '.join(ENTITY_LABELS)}")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise InvalidInput(f"entity {name}: start/end must lie inside the message "
                               f"(0-{len(text)})")
        out.append({"entity": name, "start": start, "end": end, "value": text[start:end]})
    return sorted(out, key=lambda e: e["start"])


def decide(session: Session, user: User, shop_id: str, message_id: int, action: str,
           intent: Optional[str], entities: Optional[List[Dict[str, Any]]],
           now: dt.datetime) -> Review:
    message = session.execute(select(BuyerMessage).where(
        BuyerMessage.id == message_id, BuyerMessage.shop_id == shop_id)).scalar()
    if message is None:
        raise NotFound(f"no message {message_id} in shop {shop_id!r}")
    if action not in ACTIONS:
        raise InvalidInput(f"action must be one of {', '.join(ACTIONS)}")
    if action == "relabel" and intent not in INTENTS:
        raise InvalidInput(f"relabel needs an intent, one of: {', '.join(INTENTS)}")
    label = {"confirm": message.intent, "relabel": intent, "dismiss": None}[action]
    spans = (_entities(message.text, entities) if entities is not None
             else [e for e in message.entities or [] if e.get("entity") in ENTITY_LABELS])
    review = session.execute(select(Review).where(Review.message_id == message_id)).scalar()
    if review is None:
        review = Review(message_id=message_id, shop_id=shop_id)
        session.add(review)
    review.status, review.intent = ACTIONS[action], label
    review.entities = [] if action == "dismiss" else [
        {k: e[k] for k in ("entity", "start", "end", "value") if k in e} for e in spans]
    review.reviewer, review.reviewed_at = user.name, as_utc(now)
    session.commit()
    return review
