"""Shipping questions: fees, dispatch, parcels on their way — the general answer and
one rule per sub-topic (``bot/dialogue/routes.py``). The parcel facts, local times
and places are read in ``shipping_parcel``."""

from __future__ import annotations

from typing import Any, List, Optional, Union

from sqlalchemy.orm import Session

from bot.policy import ShopPolicy
from bot.store.models import Order, OrderStatus, Shipment
from bot.suggest.context import OrderLookup, Situation, Turn, ship_deadline, shop_time
from bot.suggest.rules.common import Rule, after_sales, order_missing, order_or_question  # noqa: F401
from bot.suggest.rules.shipping_fee import (  # noqa: F401  (the routes' rules)
    abroad,
    fee,
    free_shipping,
)
from bot.suggest.rules.shipping_parcel import (
    ESCALATE,
    courier_of,
    days_range,
    delivered,
    estimate,
    fee_for_place,
    official,
    parcel,
    place_of,
    same_courier,
    stalled_since,
    unshipped,
)


def general(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    out: List[Situation] = []
    place = place_of(turn)
    if place is not None:
        return fee_for_place(policy, place, courier_of(turn))
    promise = Situation("ship_promise", {"ship_within_hours": policy.ship_within_hours},
                        ["policy.ship_within_hours"], score=0.8)
    if lookup.none:  # a pre-sale question: no order to look at
        return [promise]
    missing = order_missing(lookup)
    if missing is not None:
        return [missing, promise] if lookup.anonymous else [missing]
    order = lookup.order
    assert order is not None
    status = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    if status == OrderStatus.awaiting_payment:
        out.append(Situation("awaiting_payment", {
            "order_id": order.id, "ship_within_hours": policy.ship_within_hours},
            facts + ["policy.ship_within_hours"]))
    elif status == OrderStatus.paid:
        deadline = ship_deadline(policy, order)
        if deadline is not None and turn.now > deadline:
            out.append(Situation("paid_overdue", {
                "order_id": order.id, "paid_at": shop_time(policy, order.paid_at)},
                facts + [f"order.{order.id}.paid_at", "policy.ship_within_hours"]))
        else:
            out.append(Situation("paid_not_shipped", {
                "order_id": order.id,
                "ship_eta": shop_time(policy, deadline) if deadline else None},
                facts + [f"order.{order.id}.paid_at", "policy.ship_within_hours"]))
    elif order.shipments:
        shipment = order.shipments[-1]
        if shipment.delivered_at is not None:
            out.append(Situation("delivered", {
                "order_id": order.id, "courier": shipment.courier,
                "delivered_at": shop_time(policy, shipment.delivered_at)},
                facts + [f"order.{order.id}.shipment.delivered_at"]))
        event = shipment.events[-1] if shipment.events else None
        out.append(Situation("shipped", {
            "order_id": order.id, "courier": shipment.courier,
            "tracking_no": shipment.tracking_no,
            "latest_event": event.description if event else None,
            "latest_event_time": shop_time(policy, event.at) if event else None},
            facts + [f"order.{order.id}.shipment"], score=0.9))
    else:
        out.extend(filter(None, [after_sales(order)]))
    return out


# ---------------------------------------------------------------- the order's state

def _order(lookup: OrderLookup) -> Union[Order, List[Situation]]:
    """The one order the turn is about, or what to answer instead (ask for it; its
    after-sales state when it is refunding or closed)."""
    order = order_or_question(lookup)
    if isinstance(order, Situation):
        return [order]
    settled = after_sales(order)
    return [settled] if settled is not None else order


def _shipment(order: Order) -> Optional[Shipment]:
    return order.shipments[-1] if order.shipments else None


def _parcel_rule(answer: Any, within: str = "dispatch_by", urged: bool = False) -> Rule:
    """A rule about the order's parcel: asks for the order, answers an unpaid or unshipped
    one by its state, and leaves the shipped parcel to ``answer(policy, turn, order,
    shipment)``."""
    def rule(session: Session, policy: ShopPolicy, turn: Turn,
             lookup: OrderLookup) -> List[Situation]:
        order = _order(lookup)
        if isinstance(order, list):
            return order
        name, extra = within, None
        if within == "arrival_after_dispatch":  # when it ships, and how long it travels
            extra = estimate(policy, place_of(turn, order))
            name = within if extra is not None else "dispatch_by"
        waiting = unshipped(policy, turn, order, name, urged, extra)
        if waiting is not None:
            return waiting
        shipment = _shipment(order)
        if shipment is None:  # shipped in the state but no parcel recorded
            return general(session, policy, turn, lookup)
        return answer(policy, turn, order, shipment)
    return rule


# ---------------------------------------------------------------- the sub-topics

def _dispatch(policy: ShopPolicy, turn: Turn, order: Order, shipment: Shipment) -> List[Situation]:
    values, facts = parcel(policy, order, shipment)
    out = [Situation("dispatched", values, facts + [f"order.{order.id}.shipment.shipped_at"])]
    done = delivered(policy, order, shipment)
    if done is not None:
        done.score = 0.9
        out.append(done)
    return out


def dispatch_time(session: Session, policy: ShopPolicy, turn: Turn,
                  lookup: OrderLookup) -> List[Situation]:
    promise = Situation("ship_promise", {"ship_within_hours": policy.ship_within_hours},
                        ["policy.ship_within_hours"])
    if lookup.none:  # a pre-sale question
        return [promise]
    if lookup.anonymous:
        return [promise, Situation("ask_order_id", score=0.9)]
    if turn.mood.urgent:  # 今天能发吗 明天要去外地: answered as an urge
        return urge(session, policy, turn, lookup)
    return _parcel_rule(_dispatch)(session, policy, turn, lookup)


def _stalled_or(name: str) -> Any:
    def answer(policy: ShopPolicy, turn: Turn, order: Order,
               shipment: Shipment) -> List[Situation]:
        done = delivered(policy, order, shipment)
        if done is not None:
            return [done]
        values, facts = parcel(policy, order, shipment)
        if stalled_since(order, shipment, turn.now) is not None:
            return [Situation("parcel_stalled", values, facts + ["turn.now", ESCALATE])]
        return [Situation(name, values, facts)]
    return answer


def _tracking(policy: ShopPolicy, turn: Turn, order: Order,
              shipment: Shipment) -> List[Situation]:
    values, facts = parcel(policy, order, shipment)
    out = [Situation("shipped", values, facts, score=0.9)]
    done = delivered(policy, order, shipment)
    return [done] + out if done is not None else out


def _arrival(policy: ShopPolicy, turn: Turn, order: Order,
             shipment: Shipment) -> List[Situation]:
    done = delivered(policy, order, shipment)
    if done is not None:
        return [done]
    values, facts = parcel(policy, order, shipment)
    known = estimate(policy, place_of(turn, order))
    if known is not None:
        facts = facts + known.pop("facts")
        return [Situation("arrival_estimate", {**values, **known}, facts)]
    days = policy.shipping.delivery_days
    return [Situation("arrival_generic", {
        **values, "near_days": days_range(days.near), "far_days": days_range(days.far)},
        facts + ["policy.shipping.delivery_days"])]


def _signed(policy: ShopPolicy, turn: Turn, order: Order,
            shipment: Shipment) -> List[Situation]:
    done = delivered(policy, order, shipment)
    if done is not None:
        return [Situation("signed_not_received", done.values, done.facts + [ESCALATE])]
    values, facts = parcel(policy, order, shipment)
    return [Situation("not_signed_yet", values, facts)]


def _receipt(policy: ShopPolicy, turn: Turn, order: Order,
             shipment: Shipment) -> List[Situation]:
    facts = [f"order.{order.id}.status"]
    if OrderStatus(order.status) == OrderStatus.completed:
        return [Situation("receipt_completed", {"order_id": order.id},
                          facts + [f"order.{order.id}.completed_at"])]
    return [Situation("receipt_extend", {"order_id": order.id}, facts)]


urge = _parcel_rule(_stalled_or("urge_shipped"), within="urge_within_promise", urged=True)
tracking = _parcel_rule(_tracking, within="tracking_not_yet")
_arrival_of_order = _parcel_rule(_arrival, within="arrival_after_dispatch")


def arrival(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """多久到: the order's parcel; a place asked about before buying (no single order, or
    another place than the order's): dispatch within the promise, then its travel days."""
    place = place_of(turn)
    known = estimate(policy, place) if place is not None else None
    if known is not None and (lookup.order is None or OrderStatus(lookup.order.status)
                              in (OrderStatus.awaiting_payment, OrderStatus.completed,
                                  OrderStatus.closed)):
        facts = known.pop("facts") + ["policy.ship_within_hours"]
        return [Situation("arrival_presale", {**known,
                                              "ship_within_hours": policy.ship_within_hours},
                          facts)]
    return _arrival_of_order(session, policy, turn, lookup)
stalled = _parcel_rule(_stalled_or("parcel_moving"))
signed_not_received = _parcel_rule(_signed)
extend_receipt = _parcel_rule(_receipt)


def courier_choice(session: Session, policy: ShopPolicy, turn: Turn,
                   lookup: OrderLookup) -> List[Situation]:
    order = lookup.order
    if order is not None and OrderStatus(order.status) == OrderStatus.shipped and order.shipments:
        return _dispatch(policy, turn, order, order.shipments[-1])  # it has gone already
    shipping = policy.shipping
    facts = ["policy.shipping.default_courier", "policy.shipping.official_rate_couriers"]
    named = courier_of(turn)
    values = {"courier": named, "default_courier": shipping.default_courier,
              "official_couriers": "、".join(shipping.official_rate_couriers)}
    if named is None:
        name = "courier_default"
    elif official(policy, named):
        name = "courier_official"
    elif same_courier(named, shipping.default_courier):
        name = "courier_is_default"
    else:
        name = "courier_request"
    return [Situation(name, values, facts)]
