"""Turn a understood buyer message into 1–3 ranked, sendable quick replies.

    suggest(session, Turn(shop_id="wuhan", intent="shipping_query", buyer_id=...))
    → SuggestionSet(suggestions=[{id, text, phrase_id, intent, slots, facts, score}], ...)

A situation whose phrases cannot all be filled yields no suggestion; the engine
then offers what asks for the missing fact. Nothing here sends anything: the
suggestions are for a human agent to approve.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from bot.dialogue.routes import route
from bot.phrases import Rendered, for_situation, render, shop_library
from bot.policy import shop_policy
from bot.suggest.context import Situation, Turn, find_turn_order

MAX_SUGGESTIONS = 3


@dataclass
class Suggestion:
    id: str
    text: str
    phrase_id: str
    intent: str
    slots: Dict[str, str]
    facts: List[str]
    score: float


@dataclass
class SuggestionSet:
    suggestions: List[Suggestion]
    order_id: Optional[str] = None       # the order the turn was about (remember it)
    escalate: bool = False               # a supervisor should look at this conversation
    situations: List[str] = field(default_factory=list)

    def payload(self) -> Dict[str, Any]:
        return {"suggestions": [asdict(s) for s in self.suggestions],
                "order_id": self.order_id, "escalate": self.escalate,
                "situations": self.situations}


def _suggestion(turn: Turn, rendered: Rendered, situation: Situation, rank: int) -> Suggestion:
    digest = hashlib.sha1(f"{turn.shop_id}|{rendered.phrase.id}|{rendered.text}".encode())
    return Suggestion(id=digest.hexdigest()[:12], text=rendered.text,
                      phrase_id=rendered.phrase.id, intent=turn.intent, slots=rendered.slots,
                      facts=list(situation.facts), score=round(situation.score - 0.01 * rank, 3))


def suggest(session: Session, turn: Turn) -> SuggestionSet:
    policy = shop_policy(turn.shop_id)
    library = shop_library(turn.shop_id)
    lookup = find_turn_order(session, turn)
    situations = route(turn.intent).rule(session, policy, turn, lookup)
    suggestions: List[Suggestion] = []
    for situation in sorted(situations, key=lambda s: -s.score):
        phrases = (for_situation(library, situation.name, turn.intent)
                   or for_situation(library, situation.name))
        for rank, phrase in enumerate(phrases):
            rendered = render(phrase, situation.values)
            if rendered is not None:
                suggestions.append(_suggestion(turn, rendered, situation, rank))
    if not suggestions:  # never leave the agent empty-handed; flag it for review
        situation = Situation("fallback", score=0.1)
        situations.append(situation)
        for rank, phrase in enumerate(for_situation(library, "fallback")):
            rendered = render(phrase, {})
            if rendered is not None:
                suggestions.append(_suggestion(turn, rendered, situation, rank))
    suggestions.sort(key=lambda s: -s.score)
    order = lookup.order
    return SuggestionSet(
        suggestions=_diverse(suggestions)[:MAX_SUGGESTIONS],
        order_id=order.id if order is not None else None,
        escalate=any("escalate:supervisor" in s.facts for s in situations),
        situations=[s.name for s in situations])


def _diverse(suggestions: List[Suggestion]) -> List[Suggestion]:
    """Prefer one phrase per situation first, then the alternatives."""
    firsts, rest, seen = [], [], set()
    for s in suggestions:
        key = tuple(sorted(s.facts)) + (s.phrase_id.rsplit("_", 1)[0],)
        (rest if key in seen else firsts).append(s)
        seen.add(key)
    return firsts + rest
