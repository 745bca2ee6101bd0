"""Changing an order: possible before dispatch (noted on the order: the seeds' 修改尺码
颜色价格地址…修改好后备注清楚), too late after it.

A new address in the message is found with the project's address parser
(``bot.privacy``, on jionlp's division data). It is personal data: no suggestion
repeats it — only the city/district it names (``area``). A new colour or size is read
from the entities and the product's own colours, and checked against the SKU's stock.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import FrozenSet, List, NamedTuple, Optional, Tuple

from sqlalchemy.orm import Session

from bot.nlu.entity_rules import canonical_size
from bot.policy import ShopPolicy, load_regions
from bot.privacy import find as find_personal
from bot.privacy.places import divisions
from bot.privacy.text import normalise
from bot.store.models import Order, OrderItem, OrderStatus
from bot.suggest.context import (
    OrderLookup,
    Situation,
    Turn,
    aware,
    shop_time,
)
from bot.suggest.rules.common import Rule, after_sales, order_missing, order_or_question  # noqa: F401

_BEFORE_DISPATCH = (OrderStatus.awaiting_payment, OrderStatus.paid)


# ---------------------------------------------------------------- the new address

@lru_cache(maxsize=1)
def _provinces() -> FrozenSet[str]:
    return frozenset(load_regions().provinces)


def _area(segment: str) -> Optional[str]:
    """The city and district named in ``segment`` (a province only when alone)."""
    names = [segment[d.start:d.end] for d in divisions(segment) if d.full or not d.county]
    while len(names) > 1 and (names[0].endswith(("省", "自治区", "特别行政区"))
                              or names[0] in _provinces()):
        names = names[1:]
    return "".join(names[-2:]) or None


class NewAddress(NamedTuple):
    street: bool           # a street-level (personal) address is in the message
    area: Optional[str]    # the city/district it names: all a suggestion may repeat


def new_address(text: str) -> NewAddress:
    norm = normalise(text)
    found = [f for f in find_personal(text) if f.kind == "address"]
    if found:
        return NewAddress(True, _area(norm[found[0].start:found[0].hidden_start]))
    return NewAddress(False, _area(norm))


# ---------------------------------------------------------------- order state

def _delivered_at(order: Order) -> Optional[dt.datetime]:
    shipment = order.shipments[-1] if order.shipments else None
    return (aware(order.delivered_at) or (aware(shipment.delivered_at) if shipment else None)
            or aware(order.completed_at))


def _courier(order: Order) -> Optional[str]:
    return order.shipments[-1].courier if order.shipments else None


def _after_dispatch(order: Order, facts: List[str]) -> Situation:
    """Sent: the courier can redirect (改派) or the buyer refuses; signed: too late."""
    if _delivered_at(order) is not None:
        return Situation("change_delivered", {"order_id": order.id},
                         facts + [f"order.{order.id}.delivered_at"])
    return Situation("change_address_redirect", {"order_id": order.id, "courier": _courier(order)},
                     facts + [f"order.{order.id}.shipment"])


def address(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    order = order_or_question(lookup)
    if isinstance(order, Situation):
        return [order]
    status = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    if status in _BEFORE_DISPATCH:
        given = new_address(turn.text)
        if given.street:
            return [Situation("change_address_noted", {"order_id": order.id, "area": given.area},
                              facts + ["message.address"])]
        if given.area:
            return [Situation("change_address_ask_detail",
                              {"order_id": order.id, "area": given.area},
                              facts + ["message.address"]),
                    Situation("change_possible", {"order_id": order.id}, facts, 0.9)]
        return [Situation("change_possible", {"order_id": order.id}, facts)]
    settled = after_sales(order)
    if settled is not None:
        return [settled]
    return [_after_dispatch(order, facts)]


# ---------------------------------------------------------------- colour and size

def sku_label(colour: Optional[str], size: Optional[str]) -> Optional[str]:
    """藏青 L码 / L码 / 藏青; None for an item with neither."""
    parts = [colour] if colour else []
    if size:
        parts.append(size if size.endswith(("码", "号")) else f"{size}码")
    return " ".join(parts) or None


_CHANGE_TO = r"(?:换成|改成|改为|换为|换|改|(?<!不)要)"
_OTHER_COLOUR = re.compile(_CHANGE_TO + r"([\u4e00-\u9fa5]{1,3}色)")


def _colour(text: str, item: OrderItem) -> Optional[str]:
    """The product's colour the buyer asks for: the one after 换成/改成, else the last one
    named that is not the item's own (浅灰的换成藏青), else another colour word after
    换成/改成 that the product may not have."""
    product = item.product
    names = list(dict.fromkeys(list(product.colours or [])
                               + [s.colour for s in product.skus if s.colour]))
    at = {}
    for name in names:
        short = name[:-1] if name.endswith("色") and len(name) > 2 else name
        if re.search(_CHANGE_TO + "(?:" + re.escape(name) + "|" + re.escape(short) + ")", text):
            return name
        pos = max(text.rfind(name), text.rfind(short))
        if pos >= 0:
            at[name] = pos
    others = [n for n in at if n != item.colour]
    if others:
        return max(others, key=lambda n: at[n])
    if at:
        return max(at, key=lambda n: at[n])
    other = _OTHER_COLOUR.search(text)
    return other.group(1) if other and names else None


def _size(turn: Turn) -> Optional[str]:
    sizes = [e for e in turn.entities if e.get("entity") == "size"]
    if sizes:
        e = sizes[-1]
        info = e.get("additional_info") or {}
        return str(info.get("size") or canonical_size(str(e.get("value"))) or e.get("value"))
    found = [canonical_size(m.group()) for m in re.finditer(
        r"(?<![A-Za-z0-9.])(?:[2-6]XL|X{1,4}L|XXS|XS|S|M|L)(?![A-Za-z])|\d{2,3}(?:\.5)?\s*码|均码", turn.text,
        re.IGNORECASE)]
    found = [f for f in found if f]
    return found[-1] if found else None


class Asked(NamedTuple):
    item: OrderItem
    colour: Optional[str]
    size: Optional[str]


def asked_sku(turn: Turn, order: Order) -> Optional[Asked]:
    """The order item the buyer wants changed and the colour/size asked for, if any."""
    if not order.items:
        return None
    size = _size(turn)
    for item in order.items:
        colour = _colour(turn.text, item)
        if colour:
            return Asked(item, colour, size)
    if size:
        sized = [i for i in order.items if any(s.size for s in i.product.skus)]
        return Asked((sized or order.items)[0], None, size)
    return None


def _before_dispatch(turn: Turn, order: Order, facts: List[str]) -> List[Situation]:
    asked = asked_sku(turn, order)
    facts = facts + [f"order.{order.id}.items"]
    if asked is None:
        item = order.items[0] if order.items else None
        current = sku_label(item.colour, item.size) if item is not None else None
        return [Situation("change_sku_ask", {"order_id": order.id, "current": current}, facts),
                Situation("change_possible", {"order_id": order.id}, facts, 0.9)]
    item, product = asked.item, asked.item.product
    want: Tuple[Optional[str], Optional[str]] = (asked.colour or item.colour,
                                                 asked.size or item.size)
    label = sku_label(*want)
    if want == (item.colour, item.size):
        return [Situation("change_sku_same", {"order_id": order.id, "sku": label}, facts)]
    stock = [f"product.{product.item_no}.skus"]
    sku = next((s for s in product.skus if (s.colour, s.size) == want), None)
    if sku is not None and sku.stock >= (item.quantity or 1):
        return [Situation("change_sku_noted", {"order_id": order.id, "sku": label},
                          facts + stock)]
    return [Situation("change_sku_unavailable", {
        "product": product.title, "sku": label, "alternatives": _alternatives(item, want)},
        facts + stock)]


def _alternatives(item: OrderItem, want: Tuple[Optional[str], Optional[str]]) -> Optional[str]:
    """In-stock SKUs nearest to the one asked: same colour first, then same size."""
    colour, size = want
    ready = [s for s in item.product.skus if s.stock >= (item.quantity or 1)]
    near = ([s for s in ready if colour and s.colour == colour]
            + [s for s in ready if size and s.size == size and s.colour != colour])
    labels = list(dict.fromkeys(filter(None, (sku_label(s.colour, s.size) for s in near))))
    return "、".join(labels[:4]) or None


def sku_swap(session: Session, policy: ShopPolicy, turn: Turn,
             lookup: OrderLookup) -> List[Situation]:
    """Before dispatch: noted if in stock; on its way: an exchange after receipt; signed:
    an exchange within the no-reason days (the seeds' 换货: 售后服务卡, 多退少补)."""
    order = order_or_question(lookup)
    if isinstance(order, Situation):
        return [order]
    status = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    if status in _BEFORE_DISPATCH:
        before = _before_dispatch(turn, order, facts)
        if status != OrderStatus.awaiting_payment or before[0].name == "change_sku_ask":
            return before
        # not paid yet: simply ordered again, or noted
        return [Situation("change_unpaid_reorder", {"order_id": order.id}, facts)] + [
            Situation(x.name, x.values, x.facts, 0.9) for x in before]
    settled = after_sales(order)
    if settled is not None:
        return [settled]
    returns = policy.returns
    # the shop's fault (a quality complaint before): the shop pays, as for a return
    faulty = turn.reason in ("quality", "wrong_item", "courier_damage")
    payer = "您" if returns.no_reason_postage == "buyer" and not faulty else "我们"
    postage = ["policy.returns.no_reason_postage"]
    signed = _delivered_at(order)
    if signed is None:
        return [Situation("change_sku_after_receipt", {
            "order_id": order.id, "courier": _courier(order), "postage_payer": payer},
            facts + [f"order.{order.id}.shipment"] + postage)]
    deadline = signed + dt.timedelta(days=returns.no_reason_days)
    window = facts + [f"order.{order.id}.delivered_at", "policy.returns.no_reason_days"]
    if turn.now <= deadline:
        return [Situation("change_sku_exchange", {
            "order_id": order.id, "return_deadline": shop_time(policy, deadline),
            "postage_payer": payer}, window + postage)]
    return [Situation("change_sku_expired", {
        "order_id": order.id, "no_reason_days": returns.no_reason_days}, window)]


# ---------------------------------------------------------------- no sub-topic

def general(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """A message with a new address or colour/size is answered as that; otherwise the
    order's state says whether it can still change."""
    if turn.text and new_address(turn.text).street:
        return address(session, policy, turn, lookup)
    if turn.text and lookup.order is not None and asked_sku(turn, lookup.order) is not None:
        return sku_swap(session, policy, turn, lookup)
    order = order_or_question(lookup)
    if isinstance(order, Situation):
        return [order]
    status = OrderStatus(order.status)
    facts = [f"order.{order.id}.status"]
    if status in _BEFORE_DISPATCH:
        return [Situation("change_possible", {"order_id": order.id}, facts)]
    settled = after_sales(order)
    if settled is not None:
        return [settled]
    return [Situation("change_too_late", {"order_id": order.id, "courier": _courier(order)},
                      [f"order.{order.id}.status", f"order.{order.id}.shipment"])]
