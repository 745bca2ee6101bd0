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

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

from bot.suggest.rules import change, common, complaint, product, refund, sales, shipping, sizes
from bot.suggest.rules.common import Rule

FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Route:
    action: str
    rule: Rule                       # the intent's answer when no sub-topic is recognised
    topical: bool = True
    subtopics: Mapping[str, Rule] = field(default_factory=dict)

    def handler(self, subtopic: Optional[str]) -> Rule:
        """The rule that answers a sub-topic of this intent (the intent's own for others)."""
        return self.subtopics.get(subtopic or "", self.rule)


ROUTES: Dict[str, Route] = {
    "shipping_query": Route("action_suggest_shipping", shipping.general, subtopics={
        "fee": shipping.fee, "dispatch_time": shipping.dispatch_time, "urge": shipping.urge,
        "tracking": shipping.tracking, "arrival": shipping.arrival,
        "stalled": shipping.stalled, "signed_not_received": shipping.signed_not_received,
        "extend_receipt": shipping.extend_receipt, "courier_choice": shipping.courier_choice,
        "free_shipping": shipping.free_shipping, "abroad": shipping.abroad}),
    "refund": Route("action_suggest_refund", refund.general, subtopics={
        "how": refund.how, "eligibility": refund.eligibility,
        "return_postage": refund.return_postage, "cancel": refund.cancel,
        "status": refund.status, "refuse_delivery": refund.refuse_delivery,
        "shipping_fee_refund": refund.shipping_fee_refund}),
    "size_query": Route("action_suggest_size", sizes.size, subtopics={
        "recommend": sizes.size, "chart": sizes.size_chart}),
    "bargain": Route("action_suggest_bargain", sales.general, subtopics={
        "discount": sales.discount, "coupon": sales.coupon, "threshold": sales.threshold,
        "gift": sales.gift}),
    "complaint": Route("action_suggest_complaint", complaint.general, subtopics={
        "quality": complaint.quality, "wrong_item": complaint.wrong_item,
        "missing_item": complaint.missing_item, "courier_damage": complaint.courier_damage,
        "service": complaint.service}),
    "change_order": Route("action_suggest_change_order", change.general, subtopics={
        "address": change.address, "sku_swap": change.sku_swap}),
    "product_query": Route("action_suggest_product", product.general, subtopics={
        "price": product.price, "material": product.material,
        "colour_diff": product.colour_diff, "stock": product.stock, "usage": product.usage,
        "authenticity": product.authenticity}),
    "invoice": Route("action_suggest_invoice", common.invoice),
    "greet": Route("action_suggest_conversation", common.greet, topical=False),
    "goodbye": Route("action_suggest_conversation", common.simple("goodbye"), topical=False),
    "affirm": Route("action_suggest_conversation", common.simple("affirm_ack"), topical=False),
    "deny": Route("action_suggest_conversation", common.simple("deny_ack"), topical=False),
    "human_handoff": Route("action_suggest_conversation", common.handoff, topical=False),
    FALLBACK: Route("action_suggest_conversation", common.simple("fallback"), topical=False),
}


def route(intent: str) -> Route:
    """The route of an intent; an intent nothing declares is answered as the fallback."""
    return ROUTES.get(intent) or ROUTES[FALLBACK]


def subtopics() -> Dict[str, List[str]]:
    """Every declared sub-topic, per intent."""
    return {intent: list(r.subtopics) for intent, r in ROUTES.items() if r.subtopics}


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
