"""Complaints: apologise, say what the shop does by policy, the order's facts, a supervisor.

Every complaint is flagged for a supervisor (``escalate:supervisor``). A long complaint,
or one that names what broke, is acknowledged first in its own words (``complaint_ack``:
拉链坏了, 退款). What the buyer is asked to do and what the shop pays come from the
policy (``returns.quality_photo_hours``, ``quality_postage``, ``courier_damage``,
``compensation_cap``) and the seeds' after-sales procedures (发错货 re-sent, 少发 补发,
快递原因 拒签 or photos).
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

from sqlalchemy.orm import Session

from bot.policy import ShopPolicy
from bot.store.models import Order, OrderStatus
from bot.suggest.context import (
    OrderLookup,
    Situation,
    Turn,
    aware,
)
from bot.suggest.rules.common import Rule, after_sales, order_missing, order_or_question  # noqa: F401

ESCALATE = "escalate:supervisor"
_COMPENSATION = ("赔偿", "补偿")
_COMPENSATION_WORDS = ("赔", "补偿", "补贴", "返现", "红包")


def _escalate(score: float = 0.7) -> Situation:
    return Situation("complaint_escalate", facts=[ESCALATE], score=score)


# The mood reader may keep the words leading to the problem (用就发现杯盖漏水): quoted
# back to the buyer, only what broke reads well.
_LEAD_IN = re.compile(r"^.*(?:发现|结果|一看|打开|居然|竟然|怎么|就)")


def _problem(problem: Optional[str]) -> Optional[str]:
    if not problem:
        return None
    short = _LEAD_IN.sub("", problem)
    return short if len(short) >= 2 else problem


def _ack(turn: Turn) -> Optional[Situation]:
    """A long complaint, or one naming what broke, acknowledged in the buyer's own facts."""
    mood = turn.mood
    if not (mood.long or mood.problem) or not (mood.problem or mood.request):
        return None
    # A long complaint is answered first in its own facts; a short one that names what
    # broke is better served by what the shop does about it, the acknowledgement next.
    return Situation("complaint_ack", {"problem": _problem(mood.problem), "request": mood.request},
                     ["message.problem", "message.request", ESCALATE],
                     score=1.0 if mood.long else 0.96)


def _status(order: Order) -> Situation:
    return Situation("complaint_order", {
        "order_id": order.id, "status": OrderStatus(order.status).label},
        [f"order.{order.id}.status"], score=0.85)


def delivered(order: Order) -> bool:
    """Signed for: the order or its last shipment has a delivery time, or it is completed."""
    shipment = order.shipments[-1] if order.shipments else None
    return (OrderStatus(order.status) == OrderStatus.completed or aware(order.delivered_at)
            is not None or (shipment is not None and aware(shipment.delivered_at) is not None))


def ordered(order: Order) -> Optional[str]:
    """What the order holds, as the buyer would check it: 纯棉家居服套装（浅灰/M）×2."""
    parts = []
    for item in order.items:
        sku = "/".join(x for x in (item.colour, item.size) if x)
        parts.append(item.product.title + (f"（{sku}）" if sku else "")
                     + (f"×{item.quantity}" if item.quantity and item.quantity > 1 else ""))
    return "、".join(parts) or None


def _item_complaint(turn: Turn, lookup: OrderLookup, answer: List[Situation],
                    sent: Optional[List[Situation]] = None,
                    signed: Optional[List[Situation]] = None) -> List[Situation]:
    """The frame of a complaint about the goods: the acknowledgement, then the order's
    state decides. ``answer``: what the shop does, with no order needed (no order yet,
    or before dispatch, as a second line); ``sent``/``signed``: the answers for an order
    on its way / signed for (``answer`` when not given)."""
    out = [s for s in (_ack(turn),) if s is not None]
    order = order_or_question(lookup)
    if isinstance(order, Situation):
        if lookup.several:  # which order it is decides the answer: asked first
            order.score = 0.99
            return out + [order] + _lower(answer, 0.9) + [_escalate()]
        order.score = 0.95  # no order to ask about: what the shop does, first
        return out + _lower(answer, 0.99) + [order, _escalate()]
    status = OrderStatus(order.status)
    settled = after_sales(order)
    if settled is not None:
        settled.score = 0.99
        if order.flags:  # 旗帜备注, e.g. 袖子处破损 等待买家退货: for the agent
            settled.facts.append(f"order.{order.id}.flags")
        return out + [settled, _escalate(0.9)]
    if status in (OrderStatus.awaiting_payment, OrderStatus.paid):
        first = Situation("complaint_not_shipped", {
            "order_id": order.id, "status": status.label}, [f"order.{order.id}.status"], 0.99)
        return out + [first] + _lower(answer, 0.9) + [_escalate()]
    chosen = (signed if delivered(order) else sent) or answer
    return out + _lower(chosen, 0.98) + [_status(order), _escalate()]


def _lower(situations: List[Situation], top: float) -> List[Situation]:
    """The situations in their order, the first at ``top`` and each next a little lower."""
    for i, s in enumerate(situations):
        s.score = round(top - 0.03 * i, 3)
    return situations


def _quality_answer(policy: ShopPolicy) -> Situation:
    returns = policy.returns
    hours = {"quality_photo_hours": returns.quality_photo_hours}
    facts = ["policy.returns.quality_photo_hours", "policy.returns.quality_postage"]
    name = "complaint_quality" if returns.quality_postage == "seller" else "complaint_quality_photos"
    return Situation(name, hours, facts)


def _options(turn: Turn) -> List[Situation]:
    """退换 or a compensation within the cap (the postage); asked for more, a supervisor."""
    cap = ["policy.returns.compensation_cap"]
    if turn.mood.request in _COMPENSATION or any(w in turn.text for w in _COMPENSATION_WORDS):
        return [Situation("complaint_compensation_supervisor", facts=cap + [ESCALATE])]
    return [Situation("complaint_quality_options", facts=cap)]


def quality(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    if any(w in turn.text for w in _MISSING):  # 只有红枣 核桃呢: the words say missing
        return missing_item(session, policy, turn, lookup)
    return _item_complaint(turn, lookup, [_quality_answer(policy)] + _options(turn))


def _postage_payer(policy: ShopPolicy) -> Optional[str]:
    """A wrong or missing item is the shop's mistake: the shop pays the postage when the
    policy has it pay for quality problems (the policy has no wrong-item rule)."""
    return "我们" if policy.returns.quality_postage == "seller" else None


def wrong_item(session: Session, policy: ShopPolicy, turn: Turn,
               lookup: OrderLookup) -> List[Situation]:
    order = lookup.order
    values = {"postage_payer": _postage_payer(policy)}
    facts = ["policy.returns.quality_postage"]
    if order is not None and order.shipments:  # what was sent, to check against the photo
        values.update(order_id=order.id, ordered=ordered(order))
        facts.append(f"order.{order.id}.items")
    return _item_complaint(turn, lookup, [Situation("complaint_wrong_item", values, facts)])


def missing_item(session: Session, policy: ShopPolicy, turn: Turn,
                 lookup: OrderLookup) -> List[Situation]:
    order = lookup.order
    values: Dict[str, Optional[str]] = {}
    facts: List[str] = []
    if order is not None and order.shipments:
        values = {"order_id": order.id, "ordered": ordered(order)}
        facts = [f"order.{order.id}.items"]
    return _item_complaint(turn, lookup, [Situation("complaint_missing_check", values, facts)])


def courier_damage(session: Session, policy: ShopPolicy, turn: Turn,
                   lookup: OrderLookup) -> List[Situation]:
    """Not signed yet: refuse delivery (policy ``courier_damage: refuse_delivery``); signed:
    photos within the quality hours, the shop deals with the courier."""
    rule = ["policy.returns.courier_damage"]
    generic = Situation("complaint_courier_damage", facts=list(rule))
    order = lookup.order
    if order is None or not order.shipments:
        return _item_complaint(turn, lookup, [generic])
    shipment = order.shipments[-1]
    ship_facts = [f"order.{order.id}.status", f"order.{order.id}.shipment"]
    refuse = Situation("complaint_courier_refuse", {
        "order_id": order.id, "courier": shipment.courier}, rule + ship_facts)
    signed = Situation("complaint_courier_signed", {
        "quality_photo_hours": policy.returns.quality_photo_hours, "courier": shipment.courier},
        rule + ["policy.returns.quality_photo_hours", f"order.{order.id}.shipment.delivered_at"])
    return _item_complaint(turn, lookup, [generic], sent=[refuse],
                           signed=[signed] + _options(turn))


def service(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """The agent apologises for the service and takes over now; a supervisor is told."""
    order = lookup.order
    takeover = Situation("complaint_service_takeover",
                         {"order_id": order.id} if order is not None else {},
                         [f"order.{order.id}.status"] if order is not None else [])
    out = [s for s in (_ack(turn),) if s is not None]
    return out + [takeover,
                  Situation("complaint_service_supervisor", facts=[ESCALATE], score=0.95),
                  Situation("complaint_service", score=0.8)]


_COURIER_DAMAGE = ("破", "压坏", "碎", "摔", "变形")
_MISSING = ("少发", "漏发", "少寄", "少了", "缺", "只有", "只收到", "没收到", "怎么没有")
_WRONG = ("发错", "错发", "寄错", "不是我买的", "不是我拍的", "颜色不对", "尺码不对")
_SERVICE = ("态度", "不理", "客服", "不回", "没人回")
_QUALITY = ("质量", "坏", "破", "烂", "掉色", "褪色", "起球", "开线", "脱线", "漏", "异味",
            "臭", "瑕疵", "做工", "次品")


def general(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """No sub-topic: the kind of problem guessed from the words (else: ask what happened),
    the order's facts, a supervisor."""
    hours = {"quality_photo_hours": policy.returns.quality_photo_hours}
    text = turn.text
    if any(w in text for w in _COURIER_DAMAGE) and "快递" in text:
        first = Situation("complaint_courier_damage", facts=["policy.returns.courier_damage"])
    elif any(w in text for w in _MISSING):
        first = Situation("complaint_missing_item")
    elif any(w in text for w in _WRONG):
        first = Situation("complaint_wrong_item", {"postage_payer": _postage_payer(policy)},
                          ["policy.returns.quality_postage"])
    elif turn.mood.problem or not any(w in text for w in _SERVICE) and any(
            w in text for w in _QUALITY):  # what broke first; 客服不回 is said along
        first = Situation("complaint_quality", hours, ["policy.returns.quality_photo_hours"])
    elif any(w in text for w in _SERVICE):
        first = Situation("complaint_service")
    else:
        first = Situation("complaint_ask_what")
    out = [first, _escalate()]
    if turn.mood.long:
        ack = _ack(turn)
        if ack is not None:
            out.insert(0, ack)
    # the facts of the order, for the agent and the buyer; or which order it is
    facts = _status(lookup.order) if lookup.order is not None else (
        order_missing(lookup) if lookup.unknown_id or lookup.several else None)
    if facts is not None:
        facts.score = 0.95
        out.insert(-1, facts)
    return out
