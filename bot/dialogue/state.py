"""The conversation state a turn needs, and the one function that builds a turn from it.

The state is a small dict of slots (Rasa's word for it, and Rasa's shape):

* ``order_id`` — the order the conversation settled on;
* ``topic`` — the last topical intent answered (what a bare order number continues);
* ``shop_id``, ``buyer_id`` — for plain Rasa clients that sent them once.

Whoever keeps the state hands it to ``build_turn`` with the understood message:
the service keeps it in the SQL conversation of record (``bot.dialogue.memory``),
plain Rasa in its tracker. The custom actions read it through the tracker's slots
and say what changed with ``SlotSet`` events (``changed_slots``), so the same
action code runs in both.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from bot.dialogue.routes import route
from bot.suggest.context import Turn, turn_time

Slots = Dict[str, Any]
SLOTS = ("order_id", "topic", "shop_id", "buyer_id")
DEFAULT_SHOP = "wuhan"  # the demo's first shop, when a client sends no shop_id
_FILLER = re.compile(r"[\s,，.。:：!！?？~～]|订单号?|单号|编号|是|这个|亲|哦|呢|啊|吧|的")


def bare_order_reply(text: str, entities: List[Dict[str, Any]]) -> bool:
    """A message that only gives an order number (订单号是2398…), answering our question."""
    numbers = [e for e in entities if e.get("entity") == "order_id"]
    if not numbers:
        return False
    rest = text
    for e in numbers:
        rest = rest.replace(str(e.get("value")), "")
    return not _FILLER.sub("", rest)


def empty_slots() -> Slots:
    return {name: None for name in SLOTS}


def build_turn(message: Dict[str, Any], slots: Slots) -> Turn:
    """The turn to answer: the understood message (Rasa's parse plus ``metadata``) read
    in the conversation's state."""
    meta = dict(message.get("metadata") or {})
    intent = (message.get("intent") or {}).get("name") or "nlu_fallback"
    entities = list(message.get("entities") or [])
    text = message.get("text") or ""
    if slots.get("topic") and bare_order_reply(text, entities):
        intent = str(slots["topic"])  # the buyer answered "which order?": carry on
    return Turn(shop_id=str(meta.get("shop_id") or slots.get("shop_id") or DEFAULT_SHOP),
                intent=intent, text=text, entities=entities,
                buyer_id=meta.get("buyer_id") or slots.get("buyer_id"),
                order_id=slots.get("order_id"), now=turn_time(meta.get("now")))


def changed_slots(slots: Slots, turn: Turn, order_id: Optional[str]) -> Slots:
    """The slots a turn changes: the order it was about, its topic, who and where."""
    after = {"order_id": order_id or slots.get("order_id"),
             "topic": turn.intent if route(turn.intent).topical else slots.get("topic"),
             "shop_id": turn.shop_id, "buyer_id": turn.buyer_id or slots.get("buyer_id")}
    return {k: v for k, v in after.items() if v is not None and slots.get(k) != v}
