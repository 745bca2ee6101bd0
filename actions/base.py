"""Shared shape of the suggestion actions: tracker → bot.suggest → custom payload.

Actions stay thin: they read the understood message, the conversation's
metadata (shop_id, buyer_id, now) and the remembered order number, ask
``bot.suggest.engine.suggest`` for suggestions, send them as one ``custom``
message and remember the order number in the ``order_id`` slot.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.policy import PolicyError, shop_ids
from bot.store.runtime import sessions
from bot.suggest.context import Turn, turn_time
from bot.suggest.engine import suggest

logger = logging.getLogger(__name__)
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


def previous_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the buyer message before the latest one."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if not seen_latest:
            seen_latest = True
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name:
            return str(name)
    return None


def _metadata(tracker: Tracker) -> Dict[str, Any]:
    return dict((tracker.latest_message or {}).get("metadata") or {})


class SuggestAction(Action):
    """Subclasses set NAME and INTENT (None: the intent NLU predicted)."""

    NAME: str = ""
    INTENT: Optional[str] = None

    def name(self) -> str:
        return self.NAME

    def turn(self, tracker: Tracker) -> Turn:
        meta = _metadata(tracker)
        shop = meta.get("shop_id") or tracker.get_slot("shop_id") or DEFAULT_SHOP
        message = tracker.latest_message or {}
        intent = self.INTENT or (message.get("intent") or {}).get("name") or "nlu_fallback"
        entities = list(message.get("entities") or [])
        if bare_order_reply(message.get("text") or "", entities):
            # The buyer answered "which order?": carry on with what they asked before.
            intent = previous_intent(tracker) or intent
        return Turn(shop_id=str(shop), intent=intent, text=message.get("text") or "",
                    entities=entities,
                    buyer_id=meta.get("buyer_id") or tracker.get_slot("buyer_id"),
                    order_id=tracker.get_slot("order_id"), now=turn_time(meta.get("now")))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        turn = self.turn(tracker)
        if turn.shop_id not in shop_ids():
            dispatcher.utter_message(json_message={"error": f"unknown shop '{turn.shop_id}'",
                                                   "suggestions": []})
            return []
        try:
            with sessions()() as session:
                result = suggest(session, turn)
        except PolicyError as e:
            dispatcher.utter_message(json_message={"error": str(e), "suggestions": []})
            return []
        except SQLAlchemyError as e:  # the agent sees why, the buyer sees nothing
            logger.error("order store unavailable: %s", e)
            dispatcher.utter_message(json_message={
                "error": "order store unavailable", "suggestions": [], "degraded": True})
            return []
        dispatcher.utter_message(json_message=result.payload())
        events: List[EventType] = []
        for slot, value in (("order_id", result.order_id), ("shop_id", turn.shop_id),
                            ("buyer_id", turn.buyer_id)):
            if value and tracker.get_slot(slot) != value:
                events.append(SlotSet(slot, value))
        return events
