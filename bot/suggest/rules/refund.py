"""Refunds and returns, by order state and the seven days without reason.

``general`` answers a refund message no sub-topic was recognised in; the sub-topics
(declared in ``bot.dialogue.routes``) answer one question each, by the order's stage
(``refund_state``). The money questions (return postage, the order's postage, where a
refund is) are in ``refund_money``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import List

from sqlalchemy.orm import Session

from bot.policy import ShopPolicy
from bot.store.models import OrderStatus, Product
from bot.store.queries import find_product
from bot.suggest.context import (
    OrderLookup,
    Situation,
    Turn,
    aware,
    shop_time,
)
from bot.suggest.rules.change import sku_swap
from bot.suggest.rules.common import Rule, after_sales, order_missing, order_or_question  # noqa: F401
from bot.suggest.rules.refund_cancel import cancel, refuse_delivery  # noqa: F401  (the routes')
from bot.suggest.rules.refund_money import (  # noqa: F401  (routes name them refund.*)
    after_sale_status,
    return_postage,
    shipping_fee_refund,
    status,
)
from bot.suggest.rules.refund_state import (
    ESCALATE,
    FAULTS,
    IN_TRANSIT,
    OUTSIDE,
    PAID,
    RECEIVED,
    REFUNDING,
    UNDATED,
    WITHIN,
    Answer,
    Ctx,
    case_check,
    conditions,
    courier_damage,
    deadline_facts,
    deadline_values,
    fault_facts,
    fault_return,
    fault_values,
    outside,
    quality,
    read,
    received,
    rule,
    settled,
    within,
)


def _general(session: Session, policy: ShopPolicy, turn: Turn,
             lookup: OrderLookup) -> List[Situation]:
    order = order_or_question(lookup)
    if isinstance(order, Situation):
        return [order]
    state = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    quality_alt = Situation(
        "refund_quality", {"quality_photo_hours": policy.returns.quality_photo_hours},
        ["policy.returns.quality_postage", "policy.returns.quality_photo_hours"], score=0.8)
    if state == OrderStatus.awaiting_payment:
        return [Situation("refund_unpaid_close", {"order_id": order.id}, facts)]
    if state == OrderStatus.paid:
        return [Situation("refund_paid_not_shipped", {"order_id": order.id}, facts)]
    closed = after_sales(order)
    if closed is not None:
        return [closed]
    shipment = order.shipments[-1] if order.shipments else None
    delivered = aware(order.delivered_at) or (aware(shipment.delivered_at) if shipment else None)
    if state == OrderStatus.shipped and delivered is None:
        return [Situation("refund_shipped", {
            "order_id": order.id, "courier": shipment.courier if shipment else None},
            facts + ["policy.returns.courier_damage"]), quality_alt]
    days = policy.returns.no_reason_days
    start = delivered or aware(order.completed_at) or turn.now
    deadline = start + dt.timedelta(days=days)
    if turn.now <= deadline:
        return [Situation("refund_within_no_reason", {
            "order_id": order.id, "return_deadline": shop_time(policy, deadline),
            "conditions": "、".join(policy.returns.no_reason_conditions)},
            facts + [f"order.{order.id}.delivered_at", "policy.returns.no_reason_days",
                     "policy.returns.no_reason_postage"]), quality_alt]
    return [Situation("refund_outside_no_reason", {"order_id": order.id, "no_reason_days": days},
                      facts + [f"order.{order.id}.delivered_at",
                               "policy.returns.no_reason_days"]), quality_alt]


def general(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """By order state; a problem of the shop's named earlier (``turn.reason``) comes first:
    a received order goes the quality path, a damaged parcel on its way is refused."""
    if _EXCHANGE.search(turn.text):
        return sku_swap(session, policy, turn, lookup)
    answer = _general(session, policy, turn, lookup)
    if turn.reason not in FAULTS or lookup.order is None or order_missing(lookup) is not None:
        return answer
    ctx = read(session, policy, turn, lookup.order)
    if ctx.stage in RECEIVED:
        first = fault_return(ctx)
    elif ctx.stage == IN_TRANSIT and turn.reason == "courier_damage":
        first = courier_damage(ctx)
    else:
        return answer
    return first + [replace(s, score=min(s.score, 0.7)) for s in answer
                    if s.name != "refund_quality"]


# ---- how -------------------------------------------------------------------------------

def _how_in_transit(ctx: Ctx) -> List[Situation]:
    if ctx.turn.reason == "courier_damage":
        return courier_damage(ctx)
    return [Situation("refund_how_in_transit", {"order_id": ctx.id, "courier": ctx.courier()},
                      ctx.facts + [f"order.{ctx.id}.shipment.courier"])]


def _how_refunding(ctx: Ctx) -> List[Situation]:
    detail = [after_sale_status(ctx, ctx.after_sale, 0.9)] if ctx.after_sale else []
    return settled(ctx) + detail


_how = rule({
    PAID: lambda ctx: [Situation("refund_how_not_shipped", {"order_id": ctx.id}, ctx.facts)],
    IN_TRANSIT: _how_in_transit,
    WITHIN: received(lambda ctx: [Situation("refund_how_return", deadline_values(ctx),
                                            deadline_facts(ctx)), quality(ctx)]),
    REFUNDING: _how_refunding,
}, without_order=lambda policy, turn: [Situation("refund_policy_how", {
    "no_reason_days": policy.returns.no_reason_days, "conditions": conditions(policy)},
    ["policy.returns.no_reason_days", "policy.returns.no_reason_conditions"], score=0.9)])

_EXCHANGE = re.compile(r"换(个|一个|一件|件|大|小|码|货|成|新的|颜色|尺码)|调换")


def how(session: Session, policy: ShopPolicy, turn: Turn,
        lookup: OrderLookup) -> List[Situation]:
    """怎么退; 换个新的 / 换大一码 asks for an exchange: the change-of-SKU answer."""
    if _EXCHANGE.search(turn.text):
        return sku_swap(session, policy, turn, lookup)
    return _how(session, policy, turn, lookup)

# ---- eligibility -----------------------------------------------------------------------

# What the buyer says → how the agent names it → the policy conditions it fails.
BROKEN = (
    (("吊牌剪", "剪了吊牌", "剪掉吊牌", "剪掉了吊牌", "吊牌拆", "拆了吊牌", "吊牌没了", "吊牌扔"),
     "吊牌已剪", ("吊牌", "二次销售")),
    (("穿过", "穿出去", "穿了几次", "穿了一天", "穿了好几"), "已穿过", ("二次销售",)),
    (("洗过", "洗了", "水洗过"), "已洗过", ("二次销售",)),
)
OPENED = ("拆封", "开封", "拆开", "开袋", "拆了包装", "打开包装", "包装拆", "吃过", "吃了", "喝了",
          "泡过", "用过")
OPENED_RULE = "拆封后不支持七天无理由"  # the store's product notes (食品, 卫生用品)


def _products(ctx: Ctx) -> List[Product]:
    """The product asked about: the turn's item, else the order's."""
    if ctx.turn.item_id:
        product = find_product(ctx.session, ctx.turn.shop_id, ctx.turn.item_id)
        if product is not None:
            return [product]
    return [item.product for item in ctx.order.items if item.product is not None]


def _condition_check(ctx: Ctx, broken: str) -> Situation:
    return Situation("refund_condition_check",
                     {"condition_broken": broken, "conditions": conditions(ctx.policy)},
                     deadline_facts(ctx) + ["turn.text", ESCALATE])


def _eligible_within(ctx: Ctx) -> List[Situation]:
    text = ctx.turn.text
    broken = [(label, keys) for words, label, keys in BROKEN if any(w in text for w in words)]
    if broken:
        labels = "、".join(label for label, _ in broken)
        unmet = [c for c in ctx.policy.returns.no_reason_conditions
                 if any(k in c for _, keys in broken for k in keys)]
        if not unmet:
            return [_condition_check(ctx, labels)]
        return [Situation("refund_not_resaleable", {
            "order_id": ctx.id, "condition_broken": labels, "unmet_condition": "、".join(unmet)},
            deadline_facts(ctx) + ["turn.text"]), quality(ctx)]
    if any(w in text for w in OPENED):
        ruled = [p for p in _products(ctx) if p.notes and OPENED_RULE in p.notes]
        if not ruled:  # neither policy nor store says: checked case by case
            return [_condition_check(ctx, "已拆封")]
        product = ruled[0]
        return [Situation("refund_opened_not_returnable", {
            "product": product.title,
            "quality_photo_hours": ctx.policy.returns.quality_photo_hours},
            ctx.facts + [f"product.{product.item_no}.notes", "turn.text",
                         "policy.returns.quality_photo_hours"])]
    return within(ctx)


def _fault_yes(ctx: Ctx) -> List[Situation]:
    if ctx.policy.returns.quality_postage != "seller":
        return fault_return(ctx)  # the supervisor check
    return [Situation("refund_fault_yes", fault_values(ctx), fault_facts(ctx))]


def _eligible_in_transit(ctx: Ctx) -> List[Situation]:
    if ctx.turn.reason == "courier_damage":
        return courier_damage(ctx)
    return [Situation("refund_eligible_in_transit", {
        "order_id": ctx.id, "courier": ctx.courier(),
        "no_reason_days": ctx.policy.returns.no_reason_days,
        "conditions": conditions(ctx.policy)},
        ctx.facts + [f"order.{ctx.id}.shipment.courier", "policy.returns.no_reason_days",
                     "policy.returns.no_reason_conditions"])]


def _eligibility_policy(policy: ShopPolicy, turn: Turn) -> List[Situation]:
    return [Situation("refund_policy_no_reason", {
        "no_reason_days": policy.returns.no_reason_days, "conditions": conditions(policy)},
        ["policy.returns.no_reason_days", "policy.returns.no_reason_conditions"], score=0.9)]


def _or_fault(normal: Answer) -> Answer:
    return lambda ctx: _fault_yes(ctx) if ctx.problem else normal(ctx)


def eligibility(session: Session, policy: ShopPolicy, turn: Turn,
                lookup: OrderLookup) -> List[Situation]:
    """Can it go back; 开封了还能退吗 before an order, about an item whose catalogue notes
    exclude opened goods (食品, 卫生用品): the item's own rule first."""
    out = _eligibility(session, policy, turn, lookup)
    if order_missing(lookup) is None or not turn.item_id or not any(w in turn.text
                                                                     for w in OPENED):
        return out
    item = find_product(session, turn.shop_id, turn.item_id)
    if item is None or not item.notes or OPENED_RULE not in item.notes:
        return out
    return [Situation("refund_opened_not_returnable", {
        "product": item.title, "quality_photo_hours": policy.returns.quality_photo_hours},
        [f"product.{item.item_no}.notes", "policy.returns.quality_photo_hours"],
        score=1.05)] + out


_eligibility = rule({
    IN_TRANSIT: _eligible_in_transit, WITHIN: _or_fault(_eligible_within),
    OUTSIDE: _or_fault(outside), UNDATED: _or_fault(lambda ctx: [case_check(ctx)]),
}, without_order=_eligibility_policy)
