"""One turn: NLU → the turn in its conversation's state → the intent's action → suggestions.

Every caller answers a buyer message through ``understand`` and ``answer``: the
service (``bot.assist.ingest``, with the state of the SQL conversation) and
``python -m bot chat`` (which goes through the service's ingest). Plain Rasa
clients reach the same actions through Rasa's REST channel and ``rasa run
actions``; RulePolicy then routes with the rules generated from the same routes.

Nothing here raises for a message's content: should the NLU fail on some text, the
turn goes on as ``nlu_fallback``, flagged ``degraded`` with the reason; an order
store that cannot be read gives an empty, flagged answer. There is no second way of
making suggestions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional, Protocol, Tuple

from bot.dialogue.in_process import InProcessActions
from bot.dialogue.routes import route
from bot.dialogue.state import Slots, build_turn
from bot.nlu.parser import nlu_view

logger = logging.getLogger(__name__)


class Understands(Protocol):
    """What answers a turn needs from the NLU: Rasa's parse of a text."""

    def parse(self, text: str) -> Dict[str, Any]:
        ...


@dataclass
class Outcome:
    """One buyer message understood and answered with suggestions."""

    parse: Dict[str, Any]
    payload: Dict[str, Any]
    slots: Slots                      # the conversation's state after this turn
    degraded: bool = False
    reason: Optional[str] = None


def fallback_parse(text: str) -> Dict[str, Any]:
    """A parse that says nothing was understood (Rasa's shape)."""
    intent = {"name": "nlu_fallback", "confidence": 1.0}
    return {"text": text, "intent": intent, "intent_ranking": [dict(intent)], "entities": []}


def understand(nlu: Understands, text: str) -> Tuple[Dict[str, Any], Optional[str]]:
    """Rasa's parse of the message's first characters, and why it is degraded (if it is)."""
    text = nlu_view(text)
    try:
        return nlu.parse(text), None
    except Exception as e:  # no text may stop a turn: answer it as out of scope
        logger.exception("the NLU failed on a message")
        return fallback_parse(text), f"the NLU failed on this text ({type(e).__name__})"


def answer(actions: InProcessActions, parse: Dict[str, Any], slots: Slots,
           metadata: Dict[str, Any], sender_id: str,
           degraded: Optional[str] = None) -> Outcome:
    """The suggestions for an understood message in its conversation's state."""
    message = {**parse, "metadata": metadata}
    turn = build_turn(message, slots)
    result = actions.run(route(turn.intent).action, message, slots, sender_id)
    payload = result.payload or {"suggestions": [], "error": "the action sent no suggestions"}
    reason = degraded or payload.get("error")
    return Outcome(parse, payload, {**slots, **result.slots},
                   degraded=bool(degraded or payload.get("degraded")), reason=reason)
