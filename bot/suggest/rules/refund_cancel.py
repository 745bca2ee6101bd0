"""Cancelling an order and refusing its delivery, by the order's stage: before dispatch
仅退款, on its way 拒签 (who pays the way back by whose fault), after receipt the
return path; before there is an order, a damaged parcel is refused and sent again."""

from __future__ import annotations

from typing import List

from bot.policy import ShopPolicy
from bot.suggest.context import Situation, Turn
from bot.suggest.rules.refund_state import (
    IN_TRANSIT,
    PAID,
    WITHIN,
    Ctx,
    case_check,
    courier_damage,
    deadline_facts,
    deadline_values,
    quality,
    received,
    rule,
)

# ---- cancel ----------------------------------------------------------------------------

cancel = rule({
    PAID: lambda ctx: [Situation("cancel_paid", {"order_id": ctx.id},
                                 ctx.facts + [f"order.{ctx.id}.paid_at"])],
    IN_TRANSIT: lambda ctx: [Situation("cancel_shipped", {
        "order_id": ctx.id, "courier": ctx.courier()},
        ctx.facts + [f"order.{ctx.id}.shipment.courier"])],
    WITHIN: received(lambda ctx: [Situation("cancel_received", deadline_values(ctx),
                                            deadline_facts(ctx))]),
})

# ---- refuse delivery -------------------------------------------------------------------


def _refusal_postage(ctx: Ctx) -> Situation:
    """Who pays for the refused parcel's way back: as for any return, by whose fault."""
    returns = ctx.policy.returns
    if ctx.problem:
        if returns.quality_postage != "seller":
            return case_check(ctx, 0.9)
        return Situation("refuse_postage_shop", {}, ctx.facts + ctx.problem_facts + [
            "policy.returns.quality_postage"], score=0.9)
    name = "refuse_postage_buyer" if returns.no_reason_postage == "buyer" else "refuse_postage_shop"
    return Situation(name, {}, ["policy.returns.no_reason_postage"], score=0.9)


def _refuse_in_transit(ctx: Ctx) -> List[Situation]:
    if ctx.turn.reason == "courier_damage":
        return courier_damage(ctx)
    return [Situation("refuse_in_transit", {"order_id": ctx.id, "courier": ctx.courier()},
                      ctx.facts + [f"order.{ctx.id}.shipment.courier"]), _refusal_postage(ctx)]


def _refuse_policy(policy: ShopPolicy, turn: Turn) -> List[Situation]:
    """拒签 asked before there is an order: a parcel damaged on the way is refused and
    sent again (policy.returns.courier_damage)."""
    if policy.returns.courier_damage != "refuse_delivery":
        return []
    return [Situation("refuse_policy_damage", facts=["policy.returns.courier_damage"],
                      score=0.95)]


refuse_delivery = rule({
    PAID: lambda ctx: [Situation("refuse_not_shipped", {"order_id": ctx.id}, ctx.facts)],
    IN_TRANSIT: _refuse_in_transit,
    WITHIN: received(lambda ctx: [Situation("refuse_too_late", deadline_values(ctx),
                                            deadline_facts(ctx)), quality(ctx)]),
}, without_order=_refuse_policy)
