"""Which handler answers an intent: declared here, once.

Each intent names the rasa-sdk action that answers it and the rule in
``bot.suggest.rules`` that finds its situations. Everything else follows from this
table: the service routes a turn with it, ``data/rules/suggest.yml`` (the rules
Rasa's RulePolicy learns for plain Rasa clients) is generated from it
(``python -m bot routes --write``), and a test checks that the file, the domain's
actions and the actions rasa-sdk registers from ``actions/`` agree with it.

A *topical* intent is a question about something (shipping, a refund…): it becomes
the conversation's ``topic``, which a later message giving only an order number
continues. Greetings, yes/no and the fallback are not topics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from bot.suggest import rules
from bot.suggest.rules import Rule

FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Route:
    action: str
    rule: Rule
    topical: bool = True


ROUTES: Dict[str, Route] = {
    "shipping_query": Route("action_suggest_shipping", rules.shipping),
    "refund": Route("action_suggest_refund", rules.refund),
    "size_query": Route("action_suggest_size", rules.size),
    "bargain": Route("action_suggest_bargain", rules.bargain),
    "complaint": Route("action_suggest_complaint", rules.complaint),
    "change_order": Route("action_suggest_change_order", rules.change_order),
    "product_query": Route("action_suggest_product", rules.product),
    "invoice": Route("action_suggest_invoice", rules.invoice),
    "greet": Route("action_suggest_conversation", rules.greet, topical=False),
    "goodbye": Route("action_suggest_conversation", rules.simple("goodbye"), topical=False),
    "affirm": Route("action_suggest_conversation", rules.simple("affirm_ack"), topical=False),
    "deny": Route("action_suggest_conversation", rules.simple("deny_ack"), topical=False),
    "human_handoff": Route("action_suggest_conversation", rules.simple("handoff"),
                           topical=False),
    FALLBACK: Route("action_suggest_conversation", rules.simple("fallback"), topical=False),
}


def route(intent: str) -> Route:
    """The route of an intent; an intent nothing declares is answered as the fallback."""
    return ROUTES.get(intent) or ROUTES[FALLBACK]


def actions() -> List[str]:
    """Every action a route names, once, in declaration order."""
    return list(dict.fromkeys(r.action for r in ROUTES.values()))


def rules_yaml() -> str:
    """``data/rules/suggest.yml``: one Rasa rule per intent, as the routes say."""
    lines = ['version: "3.1"',
             "# Generated from bot/dialogue/routes.py by `python -m bot routes --write`:",
             "# edit the routes, not this file. Every buyer message gets suggestions for",
             "# the agent; nothing is sent to the buyer here.",
             "rules:"]
    for intent, r in ROUTES.items():
        lines += [f"- rule: {intent} → {r.action}",
                  f"  steps: [{{intent: {intent}}}, {{action: {r.action}}}]"]
    return "\n".join(lines) + "\n"
