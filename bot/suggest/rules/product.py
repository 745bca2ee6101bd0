"""Products and sizes: the item in question, its catalogue entry and size chart.

The item is the turn's (``Turn.item_id``: 千牛's item in view, a pasted link, a name
in the message, or the item of earlier turns). Without one, the buyer's order's
single product is meant; several candidates are asked about by name. Every value
comes from the product's row in the order store (loaded from the catalogue), and
the facts say which field.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Union

from sqlalchemy.orm import Session

from bot.nlu.numbers import quantity
from bot.policy import ShopPolicy
from bot.sizing import measures_body, recommend
from bot.store.models import Product
from bot.store.queries import find_product, shop_products
from bot.suggest.context import OrderLookup, Situation, Turn

MAX_NAMED = 4  # candidates named when asking which item
_ITEM_NO = re.compile(r"(?<!\d)(\d{11,12})(?!\d)")
_BELOW = re.compile(r"(?:<|＜|小于|低于|不到|不超过)\s*(\d+(?:\.\d+)?)"
                    r"|(\d+(?:\.\d+)?)\s*(?:块|元)?(?:以内|以下|之内)")


def _names(products: Sequence[Product]) -> str:
    return "、".join(p.title for p in products[:MAX_NAMED])


def _order_products(lookup: OrderLookup) -> List[Product]:
    if lookup.order is None:
        return []
    return list(dict.fromkeys(i.product for i in lookup.order.items if i.product is not None))


def item_of(session: Session, turn: Turn, lookup: OrderLookup,
            sized: bool = False) -> Union[Product, Situation]:
    """The product the turn is about, or the situation that asks which (naming them)."""
    if turn.item_id:
        found = find_product(session, turn.shop_id, turn.item_id)
        if found is not None:
            return found
    for number in _ITEM_NO.findall(turn.text):
        found = find_product(session, turn.shop_id, number)
        if found is not None:
            return found
    if turn.item_candidates:
        named = [p for n in turn.item_candidates
                 if (p := find_product(session, turn.shop_id, n)) is not None]
        if len(named) == 1:
            return named[0]
        if named:
            return Situation("product_ask_which_named", {"candidates": _names(named)},
                             [f"product.{p.item_no}" for p in named[:MAX_NAMED]])
    ordered = [p for p in _order_products(lookup) if not sized or measures_body(p.size_chart)]
    if len(ordered) == 1:
        return ordered[0]
    pool = ordered or [p for p in shop_products(session, turn.shop_id)
                       if not sized or measures_body(p.size_chart)]
    if len(pool) == 1:
        return pool[0]
    if ordered:
        return Situation("product_ask_which_named", {"candidates": _names(ordered)},
                         [f"order.{lookup.order.id}.items"])  # type: ignore[union-attr]
    return Situation("product_ask_which", facts=["shop.products"])


def _fact(p: Product, field: str) -> str:
    return f"product.{p.item_no}.{field}"


def _with_item(rule):  # type: ignore[no-untyped-def]
    """A rule about one product: asks which when the turn names none."""
    def wrapped(session: Session, policy: ShopPolicy, turn: Turn,
                lookup: OrderLookup) -> List[Situation]:
        found = item_of(session, turn, lookup)
        return [found] if isinstance(found, Situation) else rule(policy, turn, found)
    wrapped.__name__ = rule.__name__
    wrapped.__doc__ = rule.__doc__
    return wrapped


def _price_text(p: Product) -> str:
    return f"{float(p.price):g}元"


@_with_item
def price(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    """The price; "价格<100吗" compared with the figure asked."""
    out = []
    asked = _BELOW.search(turn.text)
    limit = next((float(g) for g in asked.groups() if g), None) if asked else None
    if limit is not None:
        name = "price_below" if float(p.price) <= limit else "price_above"
        out.append(Situation(name, {"product": p.title, "price": _price_text(p),
                                    "limit": f"{limit:g}元"}, [_fact(p, "price")]))
    count = quantity(turn.text)
    if count is not None and count > 1:  # 两个多少钱: the total first
        out.append(Situation("product_price_total", {
            "product": p.title, "price": _price_text(p), "quantity": count,
            "total": f"{float(p.price) * count:g}元"}, [_fact(p, "price"), "message.quantity"]))
    out.append(Situation("product_price", {"product": p.title, "price": _price_text(p)},
                         [_fact(p, "price")], score=0.95))
    for coupon in policy.bargain.coupons[:1]:
        out.append(Situation("price_with_coupon", {
            "product": p.title, "price": _price_text(p), "coupon_name": coupon.name,
            "coupon_amount": f"{coupon.amount:g}元", "coupon_threshold": f"{coupon.threshold:g}元"},
            [_fact(p, "price"), "policy.bargain.coupons"], score=0.8))
    return out


@_with_item
def material(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    if not p.material:
        return [Situation("product_info", {"product": p.title}, [f"product.{p.item_no}"])]
    return [Situation("product_material", {"product": p.title, "material": p.material},
                      [_fact(p, "material")])]


@_with_item
def colour_diff(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    if not p.colour_note:
        return [Situation("product_info", {"product": p.title}, [f"product.{p.item_no}"])]
    return [Situation("product_colour_note", {"product": p.title, "colour_note": p.colour_note},
                      [_fact(p, "colour_note")])]


@_with_item
def usage(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    if not p.usage:
        return [Situation("product_info", {"product": p.title}, [f"product.{p.item_no}"])]
    return [Situation("product_usage", {"product": p.title, "usage": p.usage},
                      [_fact(p, "usage")])]


@_with_item
def authenticity(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    if not p.authenticity:
        return [Situation("product_info", {"product": p.title}, [f"product.{p.item_no}"])]
    return [Situation("product_authenticity", {"product": p.title,
                                               "authenticity": p.authenticity},
                      [_fact(p, "authenticity")])]


def _asked_size(turn: Turn, p: Product) -> Optional[str]:
    sizes = sorted({s.size for s in p.skus if s.size}, key=len, reverse=True)
    given = turn.value("size")
    if given and given.upper() in {s.upper() for s in sizes}:
        return next(s for s in sizes if s.upper() == given.upper())
    text = turn.text.upper()
    return next((s for s in sizes if re.search(rf"(?<![A-Z0-9]){re.escape(s.upper())}(?![A-Z0-9])",
                                               text)), None)


# 黑色/黑的 for 星空黑: the hue the buyer names, when one colour of the item has it.
_HUE = re.compile(r"([黑白灰蓝红粉绿黄紫棕咖米藏卡驼])(?:色|的|款)")


def _asked_colour(turn: Turn, p: Product) -> Optional[str]:
    colours = sorted(p.colours or [], key=len, reverse=True)
    named = next((c for c in colours if c in turn.text), None)
    if named is not None:
        return named
    for hue in _HUE.findall(turn.text):
        having = [c for c in colours if hue in c]
        if len(having) == 1:
            return having[0]
    return None


@_with_item
def stock(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    """Stock of the colour and size asked, with what else is in stock."""
    size, colour = _asked_size(turn, p), _asked_colour(turn, p)
    skus = [s for s in p.skus if (size is None or s.size == size)
            and (colour is None or s.colour == colour)]
    facts = [_fact(p, "skus")]
    sku_name = "".join(x for x in (colour, f"{size}码" if size else None) if x)
    if not skus:
        return [Situation("product_info", {"product": p.title}, [f"product.{p.item_no}"])]
    if any(s.stock > 0 for s in skus):
        if sku_name:
            return [Situation("stock_yes", {"product": p.title, "sku": sku_name}, facts)]
        out_of = [s for s in p.skus if s.stock <= 0]
        if not out_of:
            return [Situation("stock_all", {"product": p.title}, facts)]
        gone = "、".join("".join(x for x in (s.colour, f"{s.size}码" if s.size else None) if x)
                        for s in out_of)
        return [Situation("stock_some_out", {"product": p.title, "sold_out": gone}, facts)]
    others = [s for s in p.skus if s.stock > 0 and (colour is None or s.colour == colour
                                                    or size is not None and s.size == size)]
    alternatives = "、".join(dict.fromkeys(
        "".join(x for x in (s.colour, f"{s.size}码" if s.size else None) if x) for s in others))
    if not sku_name:
        return [Situation("stock_none", {"product": p.title}, facts)]
    out = [Situation("stock_out", {"product": p.title, "sku": sku_name,
                                   "alternatives": alternatives or None}, facts)]
    out.append(Situation("stock_out_plain", {"product": p.title, "sku": sku_name}, facts,
                         score=0.9))
    return out


@_with_item
def overview(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    facts = [_fact(p, "price"), _fact(p, "material")]
    return [Situation("product_overview", {"product": p.title, "price": _price_text(p),
                                           "material": p.material or None}, facts),
            Situation("product_info", {"product": p.title}, [f"product.{p.item_no}"],
                      score=0.9)]


def general(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """A product question without a recognised sub-topic: what the item is, or which."""
    return overview(session, policy, turn, lookup)


def _measure(turn: Turn, name: str, unit: str) -> Optional[float]:
    e = turn.entity(name)
    if not e:
        return None
    value = (e.get("additional_info") or {}).get(unit)
    if value is None:
        digits = re.search(r"\d+(?:\.\d+)?", str(e.get("value")))
        value = float(digits.group(0)) if digits else None
        if value is not None and name == "weight" and "kg" in str(e.get("value")).lower():
            value *= 2
        if value is not None and name == "height" and value < 3:
            value *= 100
    return float(value) if value is not None else None


def size(session: Session, policy: ShopPolicy, turn: Turn,
         lookup: OrderLookup) -> List[Situation]:
    """A size from height and/or weight for the item in question; asks only for what is
    missing."""
    cm, jin = _measure(turn, "height", "cm"), _measure(turn, "weight", "jin")
    found = item_of(session, turn, lookup, sized=True)
    if isinstance(found, Situation):
        return [found]
    p = found
    if p.size_chart and not measures_body(p.size_chart):
        return [Situation("size_shoe", {"product": p.title}, [_fact(p, "size_chart")])]
    if not p.size_chart:
        return [Situation("size_no_chart", {"product": p.title}, [_fact(p, "size_chart")])]
    if cm is None and jin is None:
        return [Situation("size_ask_measurements")]
    advice = recommend(p.size_chart, cm, jin)
    if advice is None:
        return [Situation("size_ask_measurements")]
    height = turn.value("height") if cm is not None else None
    weight = turn.value("weight") if jin is not None else None
    facts = [_fact(p, "size_chart"), advice.reason]
    if height and weight:
        return [Situation("size_recommend", {"height": height, "weight": weight,
                                             "size": advice.size, "product": p.title}, facts)]
    if weight:
        return [Situation("size_by_weight_ask_height", {"weight": weight, "size": advice.size,
                                                        "product": p.title}, facts)]
    return [Situation("size_by_height_ask_weight", {"height": height, "size": advice.size,
                                                    "product": p.title}, facts)]


def size_chart(session: Session, policy: ShopPolicy, turn: Turn,
               lookup: OrderLookup) -> List[Situation]:
    found = item_of(session, turn, lookup, sized=True)
    if isinstance(found, Situation):
        return [found]
    if not found.size_chart:
        return [Situation("size_no_chart", {"product": found.title}, [_fact(found, "size_chart")])]
    rows = []
    for row in found.size_chart:
        parts = []
        if row.get("height_cm"):
            parts.append(f"身高{row['height_cm'][0]}-{row['height_cm'][1]}cm")
        if row.get("weight_jin"):
            parts.append(f"体重{row['weight_jin'][0]}-{row['weight_jin'][1]}斤")
        if row.get("foot_cm"):
            parts.append(f"脚长{row['foot_cm'][0]}-{row['foot_cm'][1]}cm")
        rows.append(f"{row['size']}码：" + "、".join(parts))
    return [Situation("size_chart_rows", {"product": found.title, "chart": "；".join(rows)},
                      [_fact(found, "size_chart")])]
