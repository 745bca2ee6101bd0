"""Which situations answer a turn, with slot values taken from the order and policy.

Each function returns situations in rank order; the engine turns them into
phrases. Facts name the order fields and policy rules each value comes from.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, List, Optional, Union

from sqlalchemy.orm import Session

from bot.fees import quote, resolve
from bot.policy import ShopPolicy
from bot.sizing import recommend
from bot.store.models import Order, OrderStatus
from bot.store.queries import find_product, shop_products
from bot.suggest.context import (
    OrderLookup,
    Situation,
    Turn,
    aware,
    order_label,
    ship_deadline,
    shop_time,
)

Rule = Callable[[Session, ShopPolicy, Turn, OrderLookup], List[Situation]]


def _order_missing(lookup: OrderLookup) -> Optional[Situation]:
    """The situation that asks for the order when there is no single one to talk about."""
    if lookup.unknown_id:
        return Situation("unknown_order", {"order_id": lookup.unknown_id}, ["order.lookup"])
    if lookup.several:
        return Situation("ask_which_order",
                         {"order_list": "、".join(order_label(o) for o in lookup.several)},
                         ["buyer.open_orders"])
    if lookup.order is None:
        return Situation("ask_order_id")
    return None


def _order_or_question(lookup: OrderLookup) -> Union[Order, Situation]:
    """The single order a turn is about, or the situation that asks for it."""
    missing = _order_missing(lookup)
    if missing is not None:
        return missing
    assert lookup.order is not None
    return lookup.order


def _after_sales(order: Order) -> Optional[Situation]:
    """A closed or refunding order answers every order question with its after-sales state."""
    status = OrderStatus(order.status)
    if status not in (OrderStatus.closed, OrderStatus.refunding):
        return None
    name = "refund_closed" if status == OrderStatus.closed else "refund_in_progress"
    return Situation(name, {"order_id": order.id}, [f"order.{order.id}.status"])


def shipping(session: Session, policy: ShopPolicy, turn: Turn,
             lookup: OrderLookup) -> List[Situation]:
    out: List[Situation] = []
    place = turn.value("location")
    courier = turn.value("courier")
    if place:
        destination = resolve(place)
        if destination is None:
            out.append(Situation("fee_ask_location"))
        else:
            q = quote(policy, destination, courier=courier)
            if q.official_rate:
                out.append(Situation("fee_official_rate", {"courier": courier}, q.facts))
            elif q.confirm_first or q.fee is None:
                out.append(Situation("fee_confirm_first", {"location": place}, q.facts))
            else:
                out.append(Situation("fee_quote", {
                    "location": place, "fee": f"{q.per_kg:g}元",  # phrases say 每公斤{fee}
                    "delivery_days": f"{q.delivery_days}-{q.delivery_days + 2}天"},
                    q.facts + ["policy.shipping.delivery_days"]))
        return out
    promise = Situation("ship_promise", {"ship_within_hours": policy.ship_within_hours},
                        ["policy.ship_within_hours"], score=0.8)
    if lookup.none:  # a pre-sale question: no order to look at
        return [promise]
    missing = _order_missing(lookup)
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
        out.extend(filter(None, [_after_sales(order)]))
    return out


def refund(session: Session, policy: ShopPolicy, turn: Turn,
           lookup: OrderLookup) -> List[Situation]:
    order = _order_or_question(lookup)
    if isinstance(order, Situation):
        return [order]
    status = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    quality = Situation("refund_quality", {"quality_photo_hours": policy.returns.quality_photo_hours},
                        ["policy.returns.quality_postage", "policy.returns.quality_photo_hours"],
                        score=0.8)
    if status == OrderStatus.awaiting_payment:
        return [Situation("refund_unpaid_close", {"order_id": order.id}, facts)]
    if status == OrderStatus.paid:
        return [Situation("refund_paid_not_shipped", {"order_id": order.id}, facts)]
    settled = _after_sales(order)
    if settled is not None:
        return [settled]
    shipment = order.shipments[-1] if order.shipments else None
    delivered = aware(order.delivered_at) or (aware(shipment.delivered_at) if shipment else None)
    if status == OrderStatus.shipped and delivered is None:
        return [Situation("refund_shipped", {
            "order_id": order.id, "courier": shipment.courier if shipment else None},
            facts + ["policy.returns.courier_damage"]), quality]
    days = policy.returns.no_reason_days
    start = delivered or aware(order.completed_at) or turn.now
    deadline = start + dt.timedelta(days=days)
    if turn.now <= deadline:
        return [Situation("refund_within_no_reason", {
            "order_id": order.id, "return_deadline": shop_time(policy, deadline),
            "conditions": "、".join(policy.returns.no_reason_conditions)},
            facts + [f"order.{order.id}.delivered_at", "policy.returns.no_reason_days",
                     "policy.returns.no_reason_postage"]), quality]
    return [Situation("refund_outside_no_reason", {"order_id": order.id, "no_reason_days": days},
                      facts + [f"order.{order.id}.delivered_at",
                               "policy.returns.no_reason_days"]), quality]


def size(session: Session, policy: ShopPolicy, turn: Turn,
         lookup: OrderLookup) -> List[Situation]:
    height = turn.entity("height")
    weight = turn.entity("weight")
    if not height or not weight:
        return [Situation("size_ask_measurements")]
    product = _product_of(session, turn, lookup)
    if product is None:  # several items with size charts: which one?
        return [Situation("product_ask_which", facts=["shop.products.size_chart"])]
    cm = (height.get("additional_info") or {}).get("cm")
    jin = (weight.get("additional_info") or {}).get("jin")
    advice = recommend(product.size_chart, cm, jin)
    if advice is None:
        return [Situation("size_ask_measurements")]
    return [Situation("size_recommend", {"height": height["value"], "weight": weight["value"],
                                         "size": advice.size, "product": product.title},
                      [f"product.{product.item_no}.size_chart", advice.reason])]


def _product_of(session: Session, turn: Turn, lookup: OrderLookup):  # type: ignore[no-untyped-def]
    """The sized item the buyer asks about: the shop's only sized item, else their order's."""
    charted = [p for p in shop_products(session, turn.shop_id) if p.size_chart]
    if len(charted) == 1:
        return charted[0]
    if lookup.order is not None:
        for item in lookup.order.items:
            if item.product.size_chart:
                return item.product
    return None


def bargain(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    out = [Situation("hold_price", facts=["policy.bargain.max_discount_percent"])]
    for coupon in policy.bargain.coupons[:1]:
        out.append(Situation("coupon", {"coupon_name": coupon.name,
                                        "coupon_amount": f"{coupon.amount:g}元",
                                        "coupon_threshold": f"{coupon.threshold:g}元"},
                             ["policy.bargain.coupons"], score=0.9))
    if policy.bargain.free_shipping_threshold:
        out.append(Situation("free_shipping", {
            "free_shipping_threshold": f"{policy.bargain.free_shipping_threshold:g}元"},
            ["policy.bargain.free_shipping_threshold"], score=0.8))
    return out


def complaint(session: Session, policy: ShopPolicy, turn: Turn,
              lookup: OrderLookup) -> List[Situation]:
    hours = {"quality_photo_hours": policy.returns.quality_photo_hours}
    text = turn.text
    if any(w in text for w in ("破", "压坏", "碎", "摔")) and "快递" in text:
        first = Situation("complaint_courier_damage", facts=["policy.returns.courier_damage"])
    elif any(w in text for w in ("少发", "漏发", "少寄", "没收到", "缺")):
        first = Situation("complaint_missing_item")
    elif any(w in text for w in ("态度", "不理", "客服")):
        first = Situation("complaint_service")
    else:
        first = Situation("complaint_quality", hours, ["policy.returns.quality_photo_hours"])
    out = [first, Situation("complaint_escalate", facts=["escalate:supervisor"], score=0.7)]
    if lookup.order is not None:  # the facts of the order, for the agent and the buyer
        order = lookup.order
        out.insert(1, Situation("complaint_order", {
            "order_id": order.id, "status": OrderStatus(order.status).label},
            [f"order.{order.id}.status"], score=0.95))
    return out


def change_order(session: Session, policy: ShopPolicy, turn: Turn,
                 lookup: OrderLookup) -> List[Situation]:
    order = _order_or_question(lookup)
    if isinstance(order, Situation):
        return [order]
    status = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    if status in (OrderStatus.awaiting_payment, OrderStatus.paid):
        return [Situation("change_possible", {"order_id": order.id}, facts)]
    settled = _after_sales(order)
    if settled is not None:
        return [settled]
    courier = order.shipments[-1].courier if order.shipments else None
    return [Situation("change_too_late", {"order_id": order.id, "courier": courier},
                      [f"order.{order.id}.status", f"order.{order.id}.shipment"])]


_ITEM_NO = re.compile(r"(?<!\d)(\d{11,12})(?!\d)")


def product(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """A pasted 宝贝 number names the product; otherwise ask which one."""
    for number in _ITEM_NO.findall(turn.text):
        found = find_product(session, turn.shop_id, number)
        if found is not None:
            return [Situation("product_info", {"product": found.title},
                              [f"product.{found.item_no}"])]
    return [Situation("product_ask_which")]


def simple(name: str) -> Rule:
    """A rule that always answers with one situation (the conversational intents)."""
    return lambda session, policy, turn, lookup: [Situation(name)]


def greet(session: Session, policy: ShopPolicy, turn: Turn,
          lookup: OrderLookup) -> List[Situation]:
    return [Situation("greet_open", {"shop_name": policy.name}, ["policy.name"])]


def invoice(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    return [Situation("invoice_yes"), Situation("invoice_ask_details", score=0.9)]
