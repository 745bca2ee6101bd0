"""Turn a understood buyer message into 1–3 ranked, sendable quick replies.

    suggest(session, Turn(shop_id="wuhan", intent="shipping_query", buyer_id=...))
    → SuggestionSet(suggestions=[{id, text, phrase_id, intent, slots, facts, score}], ...)

A situation whose phrases cannot all be filled yields no suggestion; the engine
then offers what asks for the missing fact. Nothing here sends anything: the
suggestions are for a human agent to approve.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Dict, List, Mapping, Optional

from sqlalchemy.orm import Session

from bot.dialogue.labels import label
from bot.dialogue.routes import route
from bot.phrases import Phrase, Rendered, for_situation, render, shop_library
from bot.policy import shop_policy
from bot.suggest.context import OrderLookup, Situation, Turn, find_turn_order

MAX_SUGGESTIONS = 3
# Answers that list every row (the size chart, the fee table): never a runner-up, they
# would state the facts of other sizes and places beside the one asked.
LISTINGS = ("size_chart_rows", "size_chart_rows_foot", "fee_rule_ask_location")
# Below this intent confidence the three suggestions answer the top intents, one
# each, labelled (chosen by measurement: see README "When the NLU is unsure").
UNSURE = 0.55
UNSURE_FLOOR = 0.08     # an intent this far down the ranking is not worth a suggestion
_APOLOGETIC = ("抱歉", "对不起", "不好意思", "歉意")


@dataclass
class Suggestion:
    id: str
    text: str
    phrase_id: str
    intent: str
    slots: Dict[str, str]
    facts: List[str]
    score: float
    subtopic: Optional[str] = None
    label: Optional[str] = None          # what it answers, for the agent: 物流/fee


@dataclass
class SuggestionSet:
    suggestions: List[Suggestion]
    order_id: Optional[str] = None       # the order the turn was about (remember it)
    escalate: bool = False               # a supervisor should look at this conversation
    situations: List[str] = field(default_factory=list)
    context: Dict[str, Any] = field(default_factory=dict)  # what the panel shows

    def payload(self) -> Dict[str, Any]:
        return {"suggestions": [asdict(s) for s in self.suggestions],
                "order_id": self.order_id, "escalate": self.escalate,
                "situations": self.situations, "context": self.context}


def _suggestion(turn: Turn, rendered: Rendered, situation: Situation, rank: int,
                opener: Optional[str]) -> Suggestion:
    text = rendered.text
    if opener and not any(w in text for w in _APOLOGETIC):
        text = opener + text
    digest = hashlib.sha1(f"{turn.shop_id}|{rendered.phrase.id}|{text}".encode())
    return Suggestion(id=digest.hexdigest()[:12], text=text,
                      phrase_id=rendered.phrase.id, intent=turn.intent, slots=rendered.slots,
                      facts=list(situation.facts), score=round(situation.score - 0.01 * rank, 3),
                      subtopic=turn.subtopic, label=label(turn.intent, turn.subtopic))


def _opener(library: Mapping[str, Phrase], turn: Turn) -> Optional[str]:
    """An apology to put first, for an angry or urgent buyer."""
    if not turn.mood.upset:
        return None
    phrases = for_situation(library, "apology_opener")
    if not phrases:
        return None
    pick = phrases[len(turn.text) % len(phrases)]  # varied, but stable for one message
    rendered = render(pick, {})
    return rendered.text if rendered else None


def unsure(turn: Turn) -> List[str]:
    """The intents to answer side by side when the NLU is unsure (none when it is sure,
    or the turn continues a topic)."""
    if turn.confidence >= UNSURE or turn.note or turn.intent == "nlu_fallback":
        return []  # sure, a follow-up, or out of scope (which asks back)
    ranked = [str(r.get("name")) for r in turn.ranking[:MAX_SUGGESTIONS]
              if float(r.get("confidence") or 0) >= UNSURE_FLOOR
              and r.get("name") != "nlu_fallback"]
    return ranked if len(ranked) >= 2 else []


def suggest(session: Session, turn: Turn) -> SuggestionSet:
    candidates = unsure(turn)
    if not candidates:
        lookup = find_turn_order(session, turn)  # once: the runner-up answers the same order
        return _with_runner_up(session, turn, _answer(session, turn, lookup), lookup)
    answers = [_answer(session, replace(turn, intent=intent,
                                        subtopic=turn.subtopics.get(intent)))
               for intent in candidates]
    picked = [a.suggestions[0] for a in answers if a.suggestions]
    first = answers[0]
    return SuggestionSet(
        suggestions=picked[:MAX_SUGGESTIONS],
        order_id=next((a.order_id for a in answers if a.order_id), None),
        escalate=any(a.escalate for a in answers),
        situations=[s for a in answers for s in a.situations[:1]],
        context={**first.context, "unsure": candidates})


def _with_runner_up(session: Session, turn: Turn, answer: SuggestionSet,
                    lookup: OrderLookup) -> SuggestionSet:
    """The third suggestion answers the intent's second sub-topic when the classifier
    found it close (发货 vs 催发货, 材质 vs 用法): the agent presses 3, not types."""
    other = turn.subtopic_runner_up
    if not other or len(answer.suggestions) < 2:
        return answer
    handler = route(turn.intent).handler
    if handler(other) is handler(turn.subtopic):
        return answer
    alternative = _answer(session, replace(turn, subtopic=other), lookup)
    shown = {s.text for s in answer.suggestions} | set(answer.situations[:1])
    extra = next((s for s in alternative.suggestions if s.text not in shown), None)
    if (extra is None or alternative.situations[:1] == answer.situations[:1]
            or alternative.situations[:1] and alternative.situations[0] in LISTINGS):
        return answer
    answer.suggestions = answer.suggestions[:MAX_SUGGESTIONS - 1] + [extra]
    answer.context = {**answer.context, "runner_up": other}
    return answer


def _answer(session: Session, turn: Turn, lookup: Optional[OrderLookup] = None
            ) -> SuggestionSet:
    policy = shop_policy(turn.shop_id)
    library = shop_library(turn.shop_id)
    lookup = lookup or find_turn_order(session, turn)
    situations = route(turn.intent).handler(turn.subtopic)(session, policy, turn, lookup)
    opener = _opener(library, turn)
    suggestions: List[Suggestion] = []
    for situation in sorted(situations, key=lambda s: -s.score):
        phrases = (for_situation(library, situation.name, turn.intent)
                   or for_situation(library, situation.name))
        for rank, phrase in enumerate(phrases):
            rendered = render(phrase, situation.values)
            if rendered is not None:
                suggestions.append(_suggestion(turn, rendered, situation, rank, opener))
    if not suggestions:  # never leave the agent empty-handed; flag it for review
        situation = Situation("fallback", score=0.1)
        situations.append(situation)
        for rank, phrase in enumerate(for_situation(library, "fallback")):
            rendered = render(phrase, {})
            if rendered is not None:
                suggestions.append(_suggestion(turn, rendered, situation, rank, opener))
    suggestions.sort(key=lambda s: -s.score)
    order = lookup.order
    return SuggestionSet(
        suggestions=_diverse(suggestions)[:MAX_SUGGESTIONS],
        order_id=order.id if order is not None else None,
        escalate=(turn.mood.angry
                  or any("escalate:supervisor" in s.facts for s in situations)),
        situations=[s.name for s in situations],
        context=_context(turn))


def _context(turn: Turn) -> Dict[str, Any]:
    """What the agent's panel shows beside the suggestions."""
    return {"intent": turn.intent, "subtopic": turn.subtopic,
            "label": label(turn.intent, turn.subtopic), "carried": turn.note,
            "item_id": turn.item_id, "item_source": turn.item_source,
            "item_candidates": list(turn.item_candidates), "reason": turn.reason,
            "mood": turn.mood.as_dict()}


def _diverse(suggestions: List[Suggestion]) -> List[Suggestion]:
    """Prefer one phrase per situation first, then the alternatives."""
    firsts, rest, seen = [], [], set()
    for s in suggestions:
        key = tuple(sorted(s.facts)) + (s.phrase_id.rsplit("_", 1)[0],)
        (rest if key in seen else firsts).append(s)
        seen.add(key)
    return firsts + rest
