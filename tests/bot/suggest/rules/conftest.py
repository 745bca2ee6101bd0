"""Helpers for the sub-topic tests: a turn of a demo buyer, answered by the engine."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from bot.dialogue.mood import read_mood
from bot.suggest.context import Turn
from bot.suggest.engine import SuggestionSet, suggest
from tests.bot.store.conftest import NOW


def ask(session: Session, intent: str, subtopic: Optional[str], text: str = "",
        buyer: Optional[str] = None, shop: str = "wuhan",
        entities: Optional[List[Dict[str, Any]]] = None, order_id: Optional[str] = None,
        item_id: Optional[str] = None, reason: Optional[str] = None,
        now: Any = NOW, **more: Any) -> SuggestionSet:
    """The suggestions for one turn: the demo buyer ``<shop>-<state>`` (or none) asking
    ``subtopic`` of ``intent``. The mood is read from ``text`` as the service does."""
    return suggest(session, Turn(shop_id=shop, intent=intent, text=text, buyer_id=buyer,
                                 entities=entities or [], order_id=order_id, now=now,
                                 subtopic=subtopic, item_id=item_id, reason=reason,
                                 mood=read_mood(text), **more))


def entity(name: str, value: str, **info: Any) -> Dict[str, Any]:
    e: Dict[str, Any] = {"entity": name, "value": value}
    if info:
        e["additional_info"] = info
    return e


def texts(result: SuggestionSet) -> List[str]:
    return [s.text for s in result.suggestions]
