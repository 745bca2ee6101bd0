"""The conversation state a turn needs, and the one function that builds a turn from it.

The state is a small dict of slots (Rasa's word for it, and Rasa's shape):

* ``order_id`` — the order the conversation settled on;
* ``topic`` — the last topical intent answered (what a bare order number or a
  follow-up such as 那杭州呢 continues), ``subtopic`` — what exactly it asked,
  ``topic_entities`` — the place, courier, size… it was about, ``reason`` — the kind
  of problem a complaint named (a later "怎么退" is about *that*);
* ``item_id`` — the item in question (千牛's item in view, a pasted link, a name);
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

from bot.dialogue.followup import resolve, topic_entities
from bot.dialogue.item import item_in_view
from bot.dialogue.mood import read_mood
from bot.dialogue.routes import route
from bot.suggest.context import Turn, turn_time

Slots = Dict[str, Any]
SLOTS = ("order_id", "topic", "subtopic", "topic_entities", "reason", "item_id",
         "shop_id", "buyer_id")
# complaint kinds a later refund or exchange question is about
REASONS = ("quality", "wrong_item", "missing_item", "courier_damage")
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


def _topical(intent: str) -> bool:
    return route(intent).topical and route(intent).rule is not None


def build_turn(message: Dict[str, Any], slots: Slots) -> Turn:
    """The turn to answer: the understood message (Rasa's parse plus ``metadata``) read
    in the conversation's state — a bare order number or a follow-up continues the
    previous topic, the item in question is found or carried on, the mood is read."""
    meta = dict(message.get("metadata") or {})
    parsed = message.get("intent") or {}
    intent = parsed.get("name") or "nlu_fallback"
    confidence = float(parsed.get("confidence") or 0.0)
    ranking = list(message.get("intent_ranking") or [])
    entities = list(message.get("entities") or [])
    text = message.get("text") or ""
    shop_id = str(meta.get("shop_id") or slots.get("shop_id") or DEFAULT_SHOP)
    if slots.get("topic") and bare_order_reply(text, entities):
        intent = str(slots["topic"])  # the buyer answered "which order?": carry on
        found = resolve("", intent, 1.0, ranking, entities, {}, slots, _topical)
        found.subtopic = slots.get("subtopic")
    else:
        found = resolve(text, intent, confidence, ranking, entities,
                        dict(message.get("subtopics") or {}), slots, _topical)
    if _PHOTO_DEADLINE.search(text) and (slots.get("reason") or slots.get("topic") in (
            "complaint", "refund")):
        found.intent, found.subtopic = "complaint", "quality"  # 照片要多久之内发: the photo rule
    item = item_in_view(shop_id, text, meta.get("item_id"), slots.get("item_id"))
    return Turn(shop_id=shop_id, intent=found.intent, text=text, entities=found.entities,
                buyer_id=meta.get("buyer_id") or slots.get("buyer_id"),
                order_id=slots.get("order_id"), now=turn_time(meta.get("now")),
                subtopic=found.subtopic, confidence=confidence, ranking=ranking,
                subtopics={str(k): str(v.get("name")) for k, v in
                           (message.get("subtopics") or {}).items() if isinstance(v, dict)},
                subtopic_runner_up=runner_up(message.get("subtopics") or {}, found.intent,
                                             found.subtopic),
                note=found.note, reason=found.reason, item_id=item.item_id,
                item_source=item.source, item_candidates=item.candidates,
                mood=read_mood(text))


_PHOTO_DEADLINE = re.compile(r"(照片|拍照|图片|视频).{0,6}(多久|几小时|几天|什么时候|期限|时间)"
                             r"|(多久|几小时|几天).{0,6}(照片|拍照|图片|视频)")
RUNNER_UP = 0.10  # a second sub-topic this likely gets the third suggestion


def runner_up(subtopics: Dict[str, Any], intent: str, chosen: Optional[str]) -> Optional[str]:
    """The second most likely sub-topic of the intent (its classifier's ranking)."""
    ranked = (subtopics.get(intent) or {}).get("ranking") if isinstance(
        subtopics.get(intent), dict) else None
    for r in ranked or []:
        name = r.get("name")
        if name and name != chosen and float(r.get("confidence") or 0) >= RUNNER_UP:
            return str(name)
    return None


def changed_slots(slots: Slots, turn: Turn, order_id: Optional[str],
                  reason: Optional[str] = None) -> Slots:
    """The slots a turn changes: the order it was about, its topic and what it asked,
    the item, who and where. ``reason``: a kind of problem the turn established."""
    topical = route(turn.intent).topical
    if turn.intent == "complaint" and turn.subtopic in REASONS:
        reason = reason or turn.subtopic
    after = {"order_id": order_id or slots.get("order_id"),
             "topic": turn.intent if topical else slots.get("topic"),
             "subtopic": turn.subtopic if topical else slots.get("subtopic"),
             "topic_entities": ((topic_entities(turn.entities) or None) if topical
                                else slots.get("topic_entities")),
             "reason": reason or turn.reason if topical else slots.get("reason"),
             "item_id": turn.item_id or slots.get("item_id"),
             "shop_id": turn.shop_id, "buyer_id": turn.buyer_id or slots.get("buyer_id")}
    return {k: v for k, v in after.items() if slots.get(k) != v
            and not (v is None and slots.get(k) is None)}
