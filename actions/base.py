"""Shared shape of the suggestion actions: tracker → bot.suggest → custom payload.

Actions stay thin: they build the turn from the understood message and the
conversation's slots (``bot.dialogue.state.build_turn``: the same function
wherever the action runs), ask ``bot.suggest.engine.suggest`` for suggestions,
send them as one ``custom`` message and say which slots changed.

They run in the service's process (``bot.dialogue.in_process``), reading through
the turn's own database session, and under ``rasa run actions`` for plain Rasa
clients, each call with a session of its own.
"""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.dialogue.state import SLOTS, build_turn, changed_slots
from bot.policy import PolicyError, shop_ids
from bot.store.runtime import turn_session
from bot.suggest.engine import suggest

logger = logging.getLogger(__name__)


class SuggestAction(Action, metaclass=ABCMeta):
    """Subclasses give their name; which intents they answer is bot/dialogue/routes.py's.
    (Abstract, so rasa-sdk registers only the subclasses.)"""

    @abstractmethod
    def name(self) -> str:
        ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        slots = {name: tracker.get_slot(name) for name in SLOTS}
        turn = build_turn(tracker.latest_message or {}, slots)
        if turn.shop_id not in shop_ids():
            dispatcher.utter_message(json_message={"error": f"unknown shop '{turn.shop_id}'",
                                                   "suggestions": []})
            return []
        try:
            with turn_session() as session:
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
        return [SlotSet(name, value)
                for name, value in changed_slots(slots, turn, result.order_id).items()]
