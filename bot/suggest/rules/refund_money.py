"""Refund money questions: who pays the return postage, is the order's postage refunded,
where a refund is. Facts come from the order, its after-sales case and the policy."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import List, Optional, Sequence

from bot.policy import ShopPolicy
from bot.store.models import AfterSale, AfterSaleKind, AfterSaleStatus, OrderStatus
from bot.suggest.context import Situation, Turn, shop_time
from bot.suggest.rules.refund_state import (
    CLOSED,
    FAULTS,
    IN_TRANSIT,
    OUTSIDE,
    PAID,
    REFUNDING,
    UNDATED,
    UNPAID,
    WITHIN,
    Ctx,
    case_check,
    courier_damage,
    deadline_facts,
    rule,
    settled,
    yuan,
)

# The buyer says the return is not the shop's fault: the quality path is not offered.
NO_FAULT = re.compile(r"不想要|不要了|不喜欢|不合适|不适合|买多了|拍错|七天无理由|7天无理由|无理由")

# ---- who pays the return postage ------------------------------------------------------


def fault_postage(policy: ShopPolicy, problem: str, facts: List[str],
                  score: float = 1.0) -> Situation:
    """The shop's fault: the shop pays the return postage (the buyer advances it)."""
    if policy.returns.quality_postage != "seller":  # not what the policies say: check it
        return Situation("refund_case_check", {}, facts + ["escalate:supervisor"], score=score)
    return Situation("return_postage_fault", {
        "problem": problem, "quality_photo_hours": policy.returns.quality_photo_hours},
        facts + ["policy.returns.quality_postage", "policy.returns.quality_photo_hours"],
        score=score)


def no_reason_postage(policy: ShopPolicy, facts: List[str], score: float = 1.0) -> Situation:
    """A return without the shop's fault: the buyer pays, unless 运费险 pays."""
    returns = policy.returns
    facts = facts + ["policy.returns.no_reason_postage"]
    if returns.no_reason_postage == "seller":
        return Situation("return_postage_shop", {}, facts, score=score)
    name = {"buyer_optional": "return_postage_insured", "shop_gives": "return_postage_shop_insured",
            "none": "return_postage_no_reason"}[returns.shipping_insurance]
    return Situation(name, {"no_reason_days": returns.no_reason_days},
                     facts + ["policy.returns.shipping_insurance"], score=score)


def postage_for(ctx: Ctx) -> List[Situation]:
    if ctx.turn.reason == "missing_item":  # nothing goes back: neither side's postage rule
        return [case_check(ctx)]
    if ctx.problem:
        return [fault_postage(ctx.policy, ctx.problem, ctx.facts + ctx.problem_facts)]
    if NO_FAULT.search(ctx.turn.text):  # 不想要了 / 不合适: a return without the shop's fault
        return [no_reason_postage(ctx.policy, ctx.facts)]
    return [no_reason_postage(ctx.policy, ctx.facts),
            fault_postage(ctx.policy, FAULTS["quality"], [], score=0.8)]


def _postage_without_order(policy: ShopPolicy, turn: Turn) -> List[Situation]:
    if turn.reason == "missing_item":
        return [case_check()]
    if turn.reason in FAULTS:
        return [fault_postage(policy, FAULTS[turn.reason], ["turn.reason"])]
    if NO_FAULT.search(turn.text):
        return [no_reason_postage(policy, [])]
    return [no_reason_postage(policy, []), fault_postage(policy, FAULTS["quality"], [], 0.8)]


def _postage_outside(ctx: Ctx) -> List[Situation]:
    if ctx.problem:
        return postage_for(ctx)
    return [Situation("refund_outside_no_reason", {
        "order_id": ctx.id, "no_reason_days": ctx.policy.returns.no_reason_days},
        deadline_facts(ctx)), fault_postage(ctx.policy, FAULTS["quality"], [], 0.9)]


def _postage_in_transit(ctx: Ctx) -> List[Situation]:
    if ctx.turn.reason == "courier_damage":
        return courier_damage(ctx)
    return postage_for(ctx)


def _no_return_needed(ctx: Ctx) -> List[Situation]:
    return [Situation("refund_how_not_shipped", {"order_id": ctx.id}, ctx.facts)]


return_postage = rule({
    PAID: _no_return_needed, IN_TRANSIT: _postage_in_transit, WITHIN: postage_for,
    OUTSIDE: _postage_outside, UNDATED: postage_for,
    REFUNDING: lambda ctx: postage_for(ctx) if ctx.after_sale else settled(ctx),
}, without_order=_postage_without_order)

# ---- is the order's own postage refunded ----------------------------------------------


def _order_postage(ctx: Ctx, name: str, flag: str, score: float = 1.0,
                   problem: Optional[str] = None, facts: Sequence[str] = ()) -> Situation:
    values = {"order_id": ctx.id, "postage": yuan(ctx.order.postage), "problem": problem}
    return Situation(name, values, ctx.facts + list(facts) + [
        f"order.{ctx.id}.postage", f"policy.returns.original_postage.{flag}"], score=score)


def _free(ctx: Ctx) -> bool:
    return Decimal(str(ctx.order.postage or 0)) == 0


def _postage_none_paid(ctx: Ctx) -> Situation:
    return Situation("postage_none_paid", {"order_id": ctx.id},
                     ctx.facts + [f"order.{ctx.id}.postage"])


def _fee_not_shipped(ctx: Ctx) -> List[Situation]:
    if _free(ctx):
        return [_postage_none_paid(ctx), Situation(
            "refund_how_not_shipped", {"order_id": ctx.id}, ctx.facts, score=0.9)]
    refunded = ctx.policy.returns.original_postage.not_shipped
    return [_order_postage(ctx, "postage_refund_not_shipped" if refunded else "postage_kept",
                           "not_shipped")]


def _fee_returned(ctx: Ctx) -> List[Situation]:
    """A shipped order's postage, by whose fault it goes back."""
    original = ctx.policy.returns.original_postage
    if ctx.turn.reason == "missing_item":
        return [case_check(ctx)]
    if _free(ctx):
        return [_postage_none_paid(ctx)] + [
            Situation(s.name, s.values, s.facts, 0.9) for s in postage_for(ctx)[:1]]
    if ctx.problem:
        return [_order_postage(ctx, "postage_refund_fault" if original.quality else "postage_kept",
                               "quality", problem=ctx.problem, facts=ctx.problem_facts)]
    out = [_order_postage(ctx, "postage_refund_no_reason" if original.no_reason
                          else "postage_kept_no_reason", "no_reason")]
    if original.quality:
        out.append(_order_postage(ctx, "postage_refund_fault", "quality", 0.8, FAULTS["quality"]))
    return out


def _fee_outside(ctx: Ctx) -> List[Situation]:
    """七天无理由 is over: only the shop's fault sends it back, postage and all."""
    if ctx.problem:
        return _fee_returned(ctx)
    out = _postage_outside(ctx)[:1]
    if not _free(ctx) and ctx.policy.returns.original_postage.quality:
        out.append(_order_postage(ctx, "postage_refund_fault", "quality", 0.9, FAULTS["quality"]))
    else:
        out.append(fault_postage(ctx.policy, FAULTS["quality"], [], 0.9))
    return out


shipping_fee_refund = rule({
    PAID: _fee_not_shipped, IN_TRANSIT: _fee_returned, WITHIN: _fee_returned,
    OUTSIDE: _fee_outside, UNDATED: _fee_returned,
    REFUNDING: lambda ctx: _fee_returned(ctx) if ctx.after_sale else settled(ctx),
})

# ---- where a refund is ----------------------------------------------------------------

KIND_LABELS = {AfterSaleKind.refund_only: "仅退款", AfterSaleKind.return_refund: "退货退款",
               AfterSaleKind.exchange: "换货"}
ENDED_LABELS = {AfterSaleStatus.rejected: "已拒绝", AfterSaleStatus.closed: "已关闭"}


def after_sale_status(ctx: Ctx, case: AfterSale, score: float = 1.0) -> Situation:
    """The after-sales case as the store has it, and what happens next."""
    kind, state = AfterSaleKind(case.kind), AfterSaleStatus(case.status)
    label = KIND_LABELS[kind] + (f"（{case.reason}）" if case.reason else "")
    base = f"order.{ctx.id}.after_sales.{case.id}"
    facts = ctx.facts + [f"{base}.kind", f"{base}.status"]
    values = {"order_id": ctx.id, "after_sale": label}
    if state == AfterSaleStatus.requested:
        name = "refund_status_requested"
        values["applied_at"] = shop_time(ctx.policy, case.created_at)
        facts.append(f"{base}.created_at")
    elif state == AfterSaleStatus.agreed:
        name = "refund_status_approved" if kind == AfterSaleKind.refund_only \
            else "refund_status_send_back"
    elif state == AfterSaleStatus.goods_returned:
        name = "refund_status_goods_returned"
    elif state == AfterSaleStatus.refunded:
        name, values = "refund_status_refunded", {"order_id": ctx.id, "amount": yuan(case.amount)}
        facts.append(f"{base}.amount")
    else:
        name = "refund_status_ended"
        values["after_sale_status"] = ENDED_LABELS[state]
    return Situation(name, values, facts, score=score)


def _status(ctx: Ctx) -> List[Situation]:
    if ctx.after_sale is not None:
        return [after_sale_status(ctx, ctx.after_sale)]
    if ctx.stage in (REFUNDING, CLOSED):
        return settled(ctx)
    return [Situation("refund_status_none", {
        "order_id": ctx.id, "status": OrderStatus(ctx.order.status).label}, ctx.facts)]


status = rule({stage: _status for stage in
               (UNPAID, PAID, IN_TRANSIT, WITHIN, OUTSIDE, UNDATED, REFUNDING, CLOSED)})
