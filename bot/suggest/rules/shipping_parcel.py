"""What the shipping answers are made of: the parcel's facts, the shop's local times,
where the buyer wants it sent (and whether that is outside the mainland), amounts.

Every value here comes from the order store, the shop policy or the buyer's words;
``facts`` name where (``order.<id>.shipment.tracking_no``, ``policy.…``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.fees import Destination, quote
from bot.policy import ShopPolicy
from bot.store.models import Order, OrderStatus, Shipment
from bot.suggest.context import Situation, Turn, aware, ship_deadline
from bot.suggest.rules.places import (  # noqa: F401  (used by the shipping rules)
    HK_MO_TW,
    Place,
    amount_of,
    courier_of,
    place_of,
    same_courier,
)

# A deadline in these local hours is not a time to tell a buyer: the parcel goes out
# in the daytime. The seeds give no warehouse hours, only 客服 9:00-23:30 (000) and
# 订单一般主要在24小时之内发出 (000), so the night is 00:00-08:00.
NIGHT_END = dt.time(8, 0)
STALLED_AFTER = dt.timedelta(days=2)  # no parcel event for this long: ask the courier
ESCALATE = "escalate:supervisor"          # the fact that flags the conversation for a supervisor

def yuan(value: Any) -> str:
    """12 → 12元, 10.5 → 10.5元, Decimal('89.90') → 89.9元."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"{text}元"


def local(policy: ShopPolicy, value: dt.datetime) -> dt.datetime:
    return aware(value).astimezone(ZoneInfo(policy.timezone))  # type: ignore[union-attr]


def local_time(policy: ShopPolicy, value: dt.datetime) -> str:
    """The shop's local date and time as people write it: 12月3日 17:10."""
    t = local(policy, value)
    return f"{t.month}月{t.day}日 {t:%H:%M}"


def _day(policy: ShopPolicy, value: dt.datetime, now: dt.datetime) -> str:
    days = (local(policy, value).date() - local(policy, now).date()).days
    if days == 0:
        return "今天"
    if days == 1:
        return "明天"
    t = local(policy, value)
    return f"{t.month}月{t.day}日"


def ship_by(policy: ShopPolicy, deadline: dt.datetime, now: dt.datetime) -> str:
    """When a paid order goes out: 11月24日 17:12前, or 明天白天 for a night deadline."""
    if local(policy, deadline).time() < NIGHT_END:
        return f"{_day(policy, deadline, now)}白天"
    return f"{local_time(policy, deadline)}前"


def latest_event(order: Order, shipment: Shipment) -> Tuple[str, dt.datetime, str]:
    """The parcel's latest event (description, time, fact); its dispatch if it has none."""
    if shipment.events:
        event = shipment.events[-1]
        at, fact = aware(event.at), f"order.{order.id}.shipment.events"
        description = str(event.description)
    else:
        at, fact = aware(shipment.shipped_at), f"order.{order.id}.shipment.shipped_at"
        description = "卖家已发货"
    assert at is not None
    return description, at, fact


def parcel(policy: ShopPolicy, order: Order, shipment: Shipment
           ) -> Tuple[Dict[str, Any], List[str]]:
    """The slots every parcel answer uses, and the facts they come from."""
    description, at, fact = latest_event(order, shipment)
    values = {"order_id": order.id, "courier": shipment.courier,
              "tracking_no": shipment.tracking_no,
              "shipped_at": local_time(policy, shipment.shipped_at),
              "latest_event": description, "latest_event_time": local_time(policy, at)}
    facts = [f"order.{order.id}.shipment.courier", f"order.{order.id}.shipment.tracking_no",
             fact]
    return values, facts


def days_range(days: int) -> str:
    """The delivery estimate the fee answers give: 3-5天."""
    return "1-2天" if days <= 1 else f"{days}-{days + 2}天"  # 同城 next day, a day's slack


def fee_table(policy: ShopPolicy) -> str:
    """The fee rule in one line, from the policy (seeds 003):
    武汉同城6元、湖北省内8元，东北三省、西北五省…15元，其他地区12元（西藏需先核实运费）."""
    shipping = policy.shipping
    local_parts = []
    for rule in shipping.local:
        places = "、".join(rule.cities + rule.provinces) or rule.group or ""
        label = rule.name if not places or rule.name == places else f"{places}{rule.name}"
        if rule.per_kg is not None:
            local_parts.append(f"{label}{yuan(rule.per_kg)}")
    by_fee: Dict[float, List[str]] = {}
    confirm = []
    for rule in shipping.regions:
        if rule.confirm_first or rule.per_kg is None:
            confirm.append(rule.name)
        else:
            by_fee.setdefault(rule.per_kg, []).append(rule.name)
    parts = ["、".join(local_parts)] if local_parts else []
    parts += [f"{'、'.join(names)}{yuan(fee)}" for fee, names in by_fee.items()]
    parts.append(f"其他地区{yuan(shipping.default_per_kg)}")
    text = "，".join(parts)
    return text + (f"（{'、'.join(confirm)}需先核实运费）" if confirm else "")


def stalled_since(order: Order, shipment: Shipment, now: dt.datetime) -> Optional[dt.timedelta]:
    """How long the parcel has shown nothing new, when that is ``STALLED_AFTER`` or more."""
    _, at, _ = latest_event(order, shipment)
    quiet = now - at
    return quiet if quiet >= STALLED_AFTER else None


# ---------------------------------------------------------------- answers about places

def official(policy: ShopPolicy, courier: Optional[str]) -> bool:
    return bool(courier) and any(same_courier(courier or "", c)
                                 for c in policy.shipping.official_rate_couriers)


def fee_rule(policy: ShopPolicy) -> Situation:
    """No place given: ask where, with the rule (per kg by region, the default courier)."""
    return Situation("fee_rule_ask_location", {
        "default_courier": policy.shipping.default_courier, "fee_table": fee_table(policy),
        "official_couriers": "、".join(policy.shipping.official_rate_couriers)},
        ["policy.shipping.local", "policy.shipping.regions", "policy.shipping.default_per_kg",
         "policy.shipping.default_courier", "policy.shipping.official_rate_couriers"])


def outside(policy: ShopPolicy, place: Place) -> List[Situation]:
    """港澳台 and abroad: what ``shipping.outside_mainland`` says, never the mainland table."""
    kind = place.outside or "abroad"
    rule = getattr(policy.shipping.outside_mainland, kind)
    name = "outside_confirm_first" if rule == "confirm_first" else "outside_not_shipped"
    return [Situation(name, {"location": place.text},
                      [f"policy.shipping.outside_mainland.{kind}"] + place.facts)]


def fee_for_place(policy: ShopPolicy, place: Place, courier: Optional[str],
                   detailed: bool = False) -> List[Situation]:
    """The fee to a place: ``detailed`` is the fee sub-topic's answer (with the courier
    and the rule), otherwise the general answer's."""
    if place.outside:
        return outside(policy, place)
    if place.destination is None:
        return [fee_rule(policy)] if detailed else [Situation("fee_ask_location")]
    q = quote(policy, place.destination, courier=courier)
    if q.official_rate:
        if detailed:
            return [Situation("fee_by_courier", {"courier": courier, "location": place.text},
                              q.facts + place.facts)]
        return [Situation("fee_official_rate", {"courier": courier}, q.facts)]
    if q.confirm_first or q.fee is None:
        return [Situation("fee_confirm_first", {"location": place.text}, q.facts)]
    return [Situation("fee_quote", {
        "location": place.text, "fee": yuan(q.per_kg),  # phrases say 每公斤{fee}
        "delivery_days": days_range(q.delivery_days or policy.shipping.delivery_days.near)},
        q.facts + ["policy.shipping.delivery_days"])]


def estimate(policy: ShopPolicy, place: Optional[Place]) -> Optional[Dict[str, Any]]:
    """The delivery estimate to a mainland place, with its facts."""
    if place is None or place.outside or place.destination is None:
        return None
    q = quote(policy, place.destination)
    if q.delivery_days is None:
        return None
    return {"destination": place.text, "delivery_days": days_range(q.delivery_days),
            "facts": place.facts + q.facts + ["policy.shipping.delivery_days"]}


def excluded(policy: ShopPolicy, dest: Destination) -> bool:
    excludes = policy.bargain.free_shipping_excludes
    return bool(dest.province in excludes or (dest.group and dest.group in excludes))


def delivered(policy: ShopPolicy, order: Order, shipment: Shipment) -> Optional[Situation]:
    at = aware(shipment.delivered_at) or aware(order.delivered_at)
    if at is None:
        return None
    return Situation("delivered", {
        "order_id": order.id, "courier": shipment.courier, "tracking_no": shipment.tracking_no,
        "delivered_at": local_time(policy, at)},
        [f"order.{order.id}.status", f"order.{order.id}.shipment.delivered_at"])


# ---------------------------------------------------------------- the order's state

def unshipped(policy: ShopPolicy, turn: Turn, order: Order, within: str = "dispatch_by",
               urged: bool = False, extra: Optional[Dict[str, Any]] = None
               ) -> Optional[List[Situation]]:
    """The answer for an order not shipped yet: pay first, the deadline, or overdue."""
    status = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    if status == OrderStatus.awaiting_payment:
        return [Situation("awaiting_payment", {
            "order_id": order.id, "ship_within_hours": policy.ship_within_hours},
            facts + ["policy.ship_within_hours"])]
    if status != OrderStatus.paid:
        return None
    deadline = ship_deadline(policy, order)
    facts += [f"order.{order.id}.paid_at", "policy.ship_within_hours"]
    if deadline is None:
        return [Situation("ship_promise", {"ship_within_hours": policy.ship_within_hours},
                          ["policy.ship_within_hours"])]
    if turn.now > deadline:
        values = {"order_id": order.id, "paid_at": local_time(policy, order.paid_at),
                  "ship_within_hours": policy.ship_within_hours}
        if urged:
            return [Situation("urge_overdue", values, facts + [ESCALATE])]
        late = Situation("paid_overdue", values, facts)
        if within == "arrival_after_dispatch" and extra:  # late, and how long it then travels
            known = dict(extra)
            travel = known.pop("facts", [])
            late.score = 0.9
            return [Situation("arrival_overdue", {**values, **known}, facts + travel), late]
        return [late]
    extra = dict(extra or {})
    facts += extra.pop("facts", [])
    values = {"order_id": order.id, "ship_by": ship_by(policy, deadline, turn.now), **extra}
    return [Situation(within, values, facts)]
