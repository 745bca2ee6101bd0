"""Shipping questions answered from policy: the fee to a place or by a courier, 港澳台
and abroad, the courier choice, free shipping and how far an amount or the item in view
is from it."""

from __future__ import annotations

from typing import Any, List, Optional

from sqlalchemy.orm import Session

from bot.policy import ShopPolicy
from bot.store.models import OrderStatus
from bot.suggest.context import OrderLookup, Situation, Turn
from bot.suggest.rules.sales import price_of
from bot.suggest.rules.shipping_parcel import (
    amount_of,
    courier_of,
    excluded,
    fee_for_place,
    fee_rule,
    official,
    outside,
    place_of,
    yuan,
)


def fee(session: Session, policy: ShopPolicy, turn: Turn,
        lookup: OrderLookup) -> List[Situation]:
    courier = courier_of(turn)
    place = place_of(turn)
    if "包邮" in turn.text and not official(policy, courier):  # 差多少包邮 / 发广州 包邮不
        free = free_shipping(session, policy, turn, lookup)
        if place is None or place.outside or free[0].name in ("free_shipping_reached",
                                                              "free_shipping_excluded"):
            return free
        fees = fee_for_place(policy, place, courier, detailed=True)[:1]  # the fee, then 包邮
        return fees + [Situation(s.name, s.values, s.facts, 0.9) for s in free]
    if place is not None:
        fees = fee_for_place(policy, place, courier, detailed=True)
        free = _item_ships_free(session, policy, turn, place, courier)
        return [free] if free is not None else fees  # no fee stated that does not apply
    if official(policy, courier):
        return [Situation("fee_official_rate", {"courier": courier},
                          ["policy.shipping.official_rate_couriers"]),
                Situation("fee_ask_location", score=0.8)]
    return [fee_rule(policy)]


def _item_ships_free(session: Session, policy: ShopPolicy, turn: Turn, place: Any,
                     courier: Optional[str]) -> Optional[Situation]:
    """The item in view at or above 满X包邮, to a place that is not excluded: free."""
    threshold = policy.bargain.free_shipping_threshold
    item = price_of(session, turn)
    if (not threshold or item is None or item.product is None or item.value < threshold
            or place.outside or place.destination is None or official(policy, courier)
            or excluded(policy, place.destination)):
        return None
    return Situation("free_shipping_reached", {
        "amount": f"{item.product}（{yuan(item.value)}）",
        "free_shipping_threshold": yuan(threshold),
        "excluded_regions": "、".join(policy.bargain.free_shipping_excludes)},
        ["policy.bargain.free_shipping_threshold", "policy.bargain.free_shipping_excludes"]
        + item.facts + place.facts)


def abroad(session: Session, policy: ShopPolicy, turn: Turn,
           lookup: OrderLookup) -> List[Situation]:
    place = place_of(turn)
    if place is None:
        rules = policy.shipping.outside_mainland
        said = {"confirm_first": "需要先核实实际运费再告诉您", "not_shipped": "暂时不发货"}
        return [Situation("outside_ask_where", {
            "outside_rule": f"港澳台地区{said[rules.hk_mo_tw]}，海外地区{said[rules.abroad]}"},
            ["policy.shipping.outside_mainland.hk_mo_tw",
             "policy.shipping.outside_mainland.abroad"])]
    return fee_for_place(policy, place, courier_of(turn), detailed=True)


def free_shipping(session: Session, policy: ShopPolicy, turn: Turn,
                  lookup: OrderLookup) -> List[Situation]:
    threshold = policy.bargain.free_shipping_threshold
    if not threshold:
        return [fee_rule(policy)]
    order = lookup.order
    if order is not None and OrderStatus(order.status) not in (OrderStatus.awaiting_payment,
                                                               OrderStatus.paid):
        order = None  # a finished order is not what the buyer is filling up
    values = {"free_shipping_threshold": yuan(threshold),
              "excluded_regions": "、".join(policy.bargain.free_shipping_excludes)}
    facts = ["policy.bargain.free_shipping_threshold", "policy.bargain.free_shipping_excludes"]
    place = place_of(turn, order)
    if place is not None and place.outside:
        return outside(policy, place)
    if place is not None and place.destination is not None and excluded(policy, place.destination):
        return [Situation("free_shipping_excluded", {**values, "location": place.text},
                          facts + place.facts)] + [
            Situation(s.name, s.values, s.facts, score=0.9)
            for s in fee_for_place(policy, place, courier_of(turn), detailed=True)]
    rule = Situation("free_shipping_rule", values, facts)
    amount, source = amount_of(turn), "turn.entities.amount"
    said = yuan(amount) if amount is not None else ""
    if amount is None and order is not None:
        amount, source = float(order.total), f"order.{order.id}.total"
        said = f"这单商品金额{yuan(amount)}"
    if amount is None:
        item = price_of(session, turn)  # the item in view: how far its price is from 包邮
        if item is None or item.product is None:
            return [rule]
        amount, source = item.value, item.facts[0]
        facts = facts + item.facts[1:]  # the quantity the buyer said
        said = f"{item.product}（{yuan(amount)}）"
    rule.score = 0.8
    gap = threshold - amount
    return [Situation("free_shipping_gap" if gap > 0 else "free_shipping_reached",
                      {**values, "amount": said, "gap": yuan(max(gap, 0))}, facts + [source]), rule]
