"""What every refund sub-topic starts from: the order's stage, the shop's fault the
conversation named, the seven-day deadline, and the situations several sub-topics share.

A sub-topic is a table ``stage → answer``; a stage it does not list gets the answer in
``DEFAULTS`` (the intent's general answer for that stage).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Dict, List, Mapping, Optional

from sqlalchemy.orm import Session

from bot.policy import ShopPolicy
from bot.store.models import AfterSale, Order, OrderStatus
from bot.suggest.context import OrderLookup, Situation, Turn, aware, shop_time
from bot.suggest.rules.common import Rule, after_sales, order_missing

# The kinds of problem (Turn.reason) that are the shop's, as the buyer would name them.
# missing_item is not here: nothing goes back for a part that never came.
FAULTS = {"quality": "质量问题", "wrong_item": "发错货", "courier_damage": "运输途中破损"}
ESCALATE = "escalate:supervisor"

UNPAID, PAID, IN_TRANSIT = "unpaid", "paid", "in_transit"
WITHIN, OUTSIDE, UNDATED = "within", "outside", "undated"   # received: inside 七天无理由 or not
REFUNDING, CLOSED = "refunding", "closed"
RECEIVED = (WITHIN, OUTSIDE, UNDATED)


@dataclass
class Ctx:
    """A refund question about one order."""

    session: Session
    policy: ShopPolicy
    turn: Turn
    order: Order
    stage: str
    facts: List[str]                                # the order's status
    received_fact: Optional[str] = None             # where the receipt date comes from
    deadline: Optional[dt.datetime] = None          # end of 七天无理由
    problem: Optional[str] = None                   # the shop's fault named: 质量问题, 发错货…
    problem_facts: List[str] = field(default_factory=list)
    after_sale: Optional[AfterSale] = None          # the latest after-sales case

    @property
    def id(self) -> str:
        return str(self.order.id)

    def courier(self) -> Optional[str]:
        return self.order.shipments[-1].courier if self.order.shipments else None


def received_at(order: Order) -> tuple:
    """When the buyer got the parcel (签收, else 交易成功) and the fact it comes from."""
    shipment = order.shipments[-1] if order.shipments else None
    for value, fact in ((order.delivered_at, "delivered_at"),
                        (shipment.delivered_at if shipment else None, "shipment.delivered_at"),
                        (order.completed_at, "completed_at")):
        if value is not None:
            return aware(value), f"order.{order.id}.{fact}"
    return None, None


def read(session: Session, policy: ShopPolicy, turn: Turn, order: Order) -> Ctx:
    status = OrderStatus(order.status)
    ctx = Ctx(session, policy, turn, order, UNDATED, [f"order.{order.id}.status"])
    ctx.after_sale = order.after_sales[-1] if order.after_sales else None
    received, ctx.received_fact = received_at(order)
    if status == OrderStatus.awaiting_payment:
        ctx.stage = UNPAID
    elif status == OrderStatus.paid:
        ctx.stage = PAID
    elif status == OrderStatus.refunding:
        ctx.stage = REFUNDING
    elif status == OrderStatus.closed:
        ctx.stage = CLOSED
    elif status == OrderStatus.shipped and received is None:
        ctx.stage = IN_TRANSIT
    elif received is not None:
        ctx.deadline = received + dt.timedelta(days=policy.returns.no_reason_days)
        ctx.stage = WITHIN if turn.now <= ctx.deadline else OUTSIDE
    if turn.reason in FAULTS:
        ctx.problem, ctx.problem_facts = FAULTS[turn.reason], ["turn.reason"]
    elif ctx.after_sale is not None and ctx.after_sale.quality_issue:
        ctx.problem = ctx.after_sale.reason or FAULTS["quality"]
        ctx.problem_facts = [f"order.{order.id}.after_sales.{ctx.after_sale.id}.quality_issue"]
    return ctx


Answer = Callable[[Ctx], List[Situation]]
NoOrder = Callable[[ShopPolicy, Turn], List[Situation]]


def rule(answers: Mapping[str, Answer], without_order: Optional[NoOrder] = None) -> Rule:
    """A sub-topic's rule: its answer for the order's stage, or for no single order the
    question for it (after what policy alone can say, when ``without_order`` says it)."""

    def run(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
        missing = order_missing(lookup)
        if missing is not None:
            said = without_order(policy, turn) if without_order else []
            if said and not lookup.several:  # no order to ask about: the policy first
                missing.score = min(missing.score, 0.85)
            return said + [missing]
        assert lookup.order is not None
        ctx = read(session, policy, turn, lookup.order)
        return (answers.get(ctx.stage) or DEFAULTS[ctx.stage])(ctx)

    return run


# ---- situations several sub-topics share ----------------------------------------------

def conditions(policy: ShopPolicy) -> str:
    return "、".join(policy.returns.no_reason_conditions)


def yuan(value: object) -> str:
    text = f"{Decimal(str(value)):.2f}"
    return (text[:-3] if text.endswith(".00") else text) + "元"


def deadline_values(ctx: Ctx) -> Dict[str, object]:
    return {"order_id": ctx.id, "conditions": conditions(ctx.policy),
            "return_deadline": shop_time(ctx.policy, ctx.deadline) if ctx.deadline else None}


def deadline_facts(ctx: Ctx) -> List[str]:
    return ctx.facts + [f for f in [ctx.received_fact] if f] + [
        "policy.returns.no_reason_days", "policy.returns.no_reason_conditions"]


def unpaid(ctx: Ctx) -> List[Situation]:
    return [Situation("refund_unpaid_close", {"order_id": ctx.id}, ctx.facts)]


def not_shipped(ctx: Ctx) -> List[Situation]:
    return [Situation("refund_paid_not_shipped", {"order_id": ctx.id}, ctx.facts)]


def in_transit(ctx: Ctx) -> List[Situation]:
    return [Situation("refund_shipped", {"order_id": ctx.id, "courier": ctx.courier()},
                      ctx.facts + [f"order.{ctx.id}.shipment.courier"])]


def quality(ctx: Ctx, score: float = 0.8) -> Situation:
    """If it is a quality problem after all: photos in time, the postage on the shop."""
    return Situation("refund_quality",
                     {"quality_photo_hours": ctx.policy.returns.quality_photo_hours},
                     ["policy.returns.quality_postage", "policy.returns.quality_photo_hours"],
                     score=score)


def within(ctx: Ctx) -> List[Situation]:
    return [Situation("refund_within_no_reason", deadline_values(ctx),
                      deadline_facts(ctx) + ["policy.returns.no_reason_postage"]), quality(ctx)]


def outside(ctx: Ctx) -> List[Situation]:
    return [Situation("refund_outside_no_reason",
                      {"order_id": ctx.id, "no_reason_days": ctx.policy.returns.no_reason_days},
                      deadline_facts(ctx)), quality(ctx)]


def fault_values(ctx: Ctx) -> Dict[str, object]:
    return {"order_id": ctx.id, "problem": ctx.problem,
            "quality_photo_hours": ctx.policy.returns.quality_photo_hours}


def fault_facts(ctx: Ctx) -> List[str]:
    return ctx.facts + ctx.problem_facts + ["policy.returns.quality_postage",
                                            "policy.returns.quality_photo_hours"]


def fault_return(ctx: Ctx) -> List[Situation]:
    """The shop's fault on a received order: return it as such, the postage on the shop."""
    if ctx.policy.returns.quality_postage != "seller":
        return [case_check(ctx)]
    return [Situation("refund_fault_return", fault_values(ctx), fault_facts(ctx))]


def courier_damage(ctx: Ctx) -> List[Situation]:
    """A parcel damaged on the way: refuse it (policy.returns.courier_damage)."""
    return [Situation("refuse_courier_damage", {"order_id": ctx.id},
                      ctx.facts + ctx.problem_facts + ["policy.returns.courier_damage"])]


def case_check(ctx: Optional[Ctx] = None, score: float = 1.0) -> Situation:
    """Nothing in policy or store decides it: the agent checks with a supervisor."""
    return Situation("refund_case_check", {}, (ctx.facts if ctx else []) + [ESCALATE],
                     score=score)


def received(normal: Answer) -> Answer:
    """A received order's answer: the shop's fault first when the conversation named one."""
    return lambda ctx: fault_return(ctx) if ctx.problem else normal(ctx)


def settled(ctx: Ctx) -> List[Situation]:
    situation = after_sales(ctx.order)
    return [situation] if situation is not None else [case_check(ctx)]


DEFAULTS: Dict[str, Answer] = {
    UNPAID: unpaid, PAID: not_shipped, IN_TRANSIT: in_transit,
    WITHIN: received(within), OUTSIDE: received(outside),
    UNDATED: received(lambda ctx: [case_check(ctx)]),
    REFUNDING: settled, CLOSED: settled,
}
