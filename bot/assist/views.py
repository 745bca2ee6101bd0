"""How stored conversations, suggestions, replies and orders look to an agent (JSON-able).

Who sees what (docs/privacy.md): an agent answering their own shop's conversation sees
the buyer's messages and the replies exactly as written (a buyer's new phone number or
address is what the agent must act on). Everything that leaves that conversation —
review, exports, metrics, audit, logs, Rasa's state in Redis — is masked with
``bot.privacy.mask``. Order cards come from the order store and stay masked as on 千牛.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from bot.channels.outbox import delivery_view
from bot.privacy import mask, mask_pieces
from bot.store.models import Order
from bot.store.service_models import BuyerMessage, Conversation, Reply, Suggestion, as_utc


def _time(value: Optional[dt.datetime]) -> Optional[str]:
    return None if value is None else as_utc(value).isoformat()


def suggestion_view(s: Suggestion) -> Dict[str, Any]:
    return {"id": s.id, "rank": s.rank, "text": s.text, "intent": s.intent,
            "phrase_id": s.phrase_id, "score": s.score, "status": s.status.value,
            "decided_by": s.decided_by, "decided_at": _time(s.decided_at),
            "correct_intent": s.correct_intent, "label": s.label}


def message_view(m: BuyerMessage, masked: bool = False) -> Dict[str, Any]:
    """The message as the agent of its conversation sees it; ``masked`` for any other
    screen (review), with personal data starred in the text, tokens and entities."""
    text, tokens, entities = m.text, m.tokens or [], m.entities or []
    if masked:
        text = mask(text)
        tokens = mask_pieces(m.text, tokens)
        entities = mask_pieces(m.text, entities, key="value")
    return {"id": m.id, "client_message_id": m.client_message_id,
            "conversation_id": m.conversation.external_id, "text": text,
            "received_at": _time(m.received_at), "intent": m.intent, "confidence": m.confidence,
            "ranking": m.ranking, "tokens": tokens, "entities": entities,
            "order_id": m.order_id, "escalate": m.escalate, "degraded": m.degraded,
            "degraded_reason": m.degraded_reason,
            "state": m.state.value if m.state else "open", "settled_by": m.settled_by,
            "settled_at": _time(m.settled_at), "settled_by_reply_id": m.settled_by_reply_id,
            "settled_note": mask(m.settled_note) if masked and m.settled_note else m.settled_note,
            "context": _context(m.context, masked),
            "suggestions": [suggestion_view(s) for s in m.suggestions]}


def _context(context: Optional[Dict[str, Any]], masked: bool) -> Dict[str, Any]:
    """Sub-topic, carried context, item and mood; buyer words in it masked off the
    agent's own screen."""
    out = dict(context or {})
    if masked:
        if out.get("carried"):
            out["carried"] = mask(out["carried"])
        mood = dict(out.get("mood") or {})
        for key in ("problem", "request"):
            if mood.get(key):
                mood[key] = mask(mood[key])
        if mood:
            out["mood"] = mood
    return out


def reply_view(r: Reply, masked: bool = False) -> Dict[str, Any]:
    """A reply as sent (the agent's conversation, the delivery outbox); ``masked`` for
    screens outside the conversation (audit)."""
    text, original = r.text, r.original_text
    if masked:
        text, original = mask(text), (mask(original) if original else original)
    return {"id": r.id, "conversation_id": r.conversation.external_id, "kind": r.kind.value,
            "text": text, "original_text": original, "edit_ratio": r.edit_ratio,
            "approved_by": r.approved_by, "message_id": r.message_id,
            "suggestion_id": r.suggestion_id, "offhours_window": r.offhours_window,
            "answers_message_id": r.answers_message_id,
            "compliance": r.compliance,
            "sent_at": _time(r.created_at),
            # to the shop's chat system (webhook conversations only): pending, delivered, failed
            "delivery": delivery_view(r.delivery)}


def conversation_summary(c: Conversation) -> Dict[str, Any]:
    last = c.messages[-1] if c.messages else None
    auto = [r for r in c.replies if r.kind.value == "auto_offhours"]
    pending = sum(1 for m in c.messages for s in m.suggestions if s.status.value == "pending")
    waiting = [m.id for m in c.messages if m.state is None or m.state.value == "open"]
    return {"id": c.external_id, "shop_id": c.shop_id, "buyer_id": c.buyer_id,
            "unread": c.unread, "last_message_at": _time(c.last_message_at),
            "last_message": last.text if last else None,
            "last_intent": last.intent if last else None,
            "pending_suggestions": pending,
            # buyers waiting: messages no reply, handled or skip has settled yet
            "open_messages": len(waiting), "waiting": bool(waiting),
            "oldest_open_message_id": waiting[0] if waiting else None,
            "offhours_auto_replies": len(auto),
            # auto-replied while closed and no agent has answered since: shown on return
            "offhours_unseen": bool(auto) and not any(
                r.approved_by and r.id > auto[-1].id for r in c.replies)}


def timeline(c: Conversation) -> List[Dict[str, Any]]:
    """Buyer messages and replies in the order they happened."""
    items = ([{"type": "buyer", "at": _time(m.received_at), **message_view(m)} for m in c.messages]
             + [{"type": "reply", "at": _time(r.created_at), **reply_view(r)} for r in c.replies])
    return sorted(items, key=lambda item: (item["at"] or "", item["type"] == "reply", item["id"]))


def order_view(o: Order) -> Dict[str, Any]:
    shipment = o.shipments[-1] if o.shipments else None
    return {"id": o.id, "status": o.status.value, "status_label": o.status.label,
            "created_at": _time(o.created_at), "paid_at": _time(o.paid_at),
            "total": str(o.total), "postage": str(o.postage),
            "receiver": (o.receiver[:1] + "*" * (len(o.receiver) - 1)) if o.receiver else None,
            "phone": mask(o.phone) if o.phone else None,
            "address": mask(o.address) if o.address else None, "province": o.province,
            "items": [{"title": i.product.title, "quantity": i.quantity, "price": str(i.price),
                       "size": i.size, "colour": i.colour} for i in o.items],
            "courier": shipment.courier if shipment else None,
            "tracking_no": shipment.tracking_no if shipment else None,
            "shipped_at": _time(shipment.shipped_at) if shipment else None,
            "delivered_at": _time(shipment.delivered_at) if shipment else None}


def sent_view(r: Reply, settled_message_ids: List[int]) -> Dict[str, Any]:
    """A reply just sent, with the buyer messages it settled."""
    return {**reply_view(r), "settled_message_ids": settled_message_ids}
