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
from bot.sizing import measures_body
from bot.store.models import Product
from bot.store.queries import find_product, shop_products
from bot.suggest.context import OrderLookup, Situation, Turn
from bot.suggest.rules import product_facts

MAX_NAMED = 4  # candidates named when asking which item
MAX_ALTERNATIVES = 5  # in-stock SKUs offered for a sold-out one
_ITEM_NO = re.compile(r"(?<!\d)(\d{11,12})(?!\d)")
_STOCK_ASKED = re.compile(r"有[^，,。？?！!]{0,8}吗|有没有|有货|还有|有现货|没货|缺货|卖完|断码|库存")
_MEASURES = ("height", "weight", "foot_length")
_XL = re.compile(r"(?<![0-9])([2-5])XL")
_THEN = re.compile(r"^(那|还有|换成)?.{1,6}(呢|的呢|有吗|还有吗)[?？]?$")
_COLOUR_WORD = re.compile(r"([黑白灰蓝红粉绿黄紫棕咖杏橙])色")
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
    usable = [c for c in policy.bargain.coupons if c.threshold <= float(p.price)]
    for coupon in sorted(usable, key=lambda c: -c.amount)[:1]:  # only one the price reaches
        out.append(Situation("price_with_coupon", {
            "product": p.title, "price": _price_text(p), "coupon_name": coupon.name,
            "coupon_amount": f"{coupon.amount:g}元", "coupon_threshold": f"{coupon.threshold:g}元"},
            [_fact(p, "price"), "policy.bargain.coupons"], score=0.8))
    return out


def sku_asked(turn: Turn, p: Product) -> bool:
    """About stock: 有…吗 with a colour or size of the item (or a colour it lacks), or an
    elliptical 那米白呢 naming one with no measurement of its own."""
    named = _asked_size(turn, p) or _asked_colour(turn, p) or _missing_colour(turn, p)
    if not named or product_facts.cued(turn.text, p):  # 有色差吗 asks the colour note
        return False
    own = any(e.get("entity") in _MEASURES and not e.get("carried") for e in turn.entities)
    return bool(_STOCK_ASKED.search(turn.text)) or (not own and bool(_THEN.search(turn.text)))


def _missing_colour(turn: Turn, p: Product) -> Optional[str]:
    """粉色 asked of an item with no pink: the colour word, to say it is not made."""
    if not p.colours:
        return None
    for hue in _COLOUR_WORD.findall(turn.text):
        if not any(hue in c for c in p.colours):
            return hue + "色"
    return None


def _field_rule(usual: str):  # type: ignore[no-untyped-def]
    """A question about one catalogue field, answered from the field the words point to
    (``product_facts``), the sub-topic's own field next."""
    @_with_item
    def rule(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
        if sku_asked(turn, p):
            return stock_of(policy, turn, p)  # 粉色41有吗: the stock
        out = product_facts.answer(turn, p, usual)
        return out or [Situation("product_info", {"product": p.title}, [f"product.{p.item_no}"])]
    rule.__name__ = usual
    return rule


material = _field_rule("material")
colour_diff = _field_rule("colour_note")
usage = _field_rule("usage")
authenticity = _field_rule("authenticity")


def _asked_size(turn: Turn, p: Product) -> Optional[str]:
    sizes = sorted({s.size for s in p.skus if s.size}, key=len, reverse=True)
    given = turn.value("size")
    if given and given.upper() in {s.upper() for s in sizes}:
        return next(s for s in sizes if s.upper() == given.upper())
    text = _XL.sub(lambda m: "X" * int(m.group(1)) + "L", turn.text.upper())  # 3XL = XXXL
    given = _XL.sub(lambda m: "X" * int(m.group(1)) + "L", (given or "").upper())
    if given in {s.upper() for s in sizes}:
        return next(s for s in sizes if s.upper() == given)
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


def stock_of(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    """Stock of the colour and size asked, with what else is in stock."""
    size, colour = _asked_size(turn, p), _asked_colour(turn, p)
    lacking = _missing_colour(turn, p) if colour is None else None
    if lacking is not None:
        return [Situation("stock_no_colour", {"product": p.title, "colour": lacking,
                                              "colours": "、".join(p.colours)},
                          [_fact(p, "colours")])]
    if size is None and colour is None and product_facts.cued(turn.text, p):
        return product_facts.answer(turn, p, None)  # 有荧光剂吗: the material, not stock
    skus = [s for s in p.skus if (size is None or s.size == size)
            and (colour is None or s.colour == colour)]
    facts = [_fact(p, "skus")]
    sku_name = "".join(x for x in (colour, f"{size}码" if size else None) if x)
    if not skus and not sku_name:
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
    # the same size in another colour first, then the same colour's nearest sizes
    order = [s.size for s in p.skus]
    others.sort(key=lambda s: (size is None or s.size != size,
                               abs(order.index(s.size) - order.index(size))
                               if size in order and s.size in order else 0))
    alternatives = "、".join(list(dict.fromkeys(
        "".join(x for x in (s.colour, f"{s.size}码" if s.size else None) if x)
        for s in others))[:MAX_ALTERNATIVES])
    if not sku_name:
        return [Situation("stock_none", {"product": p.title}, facts)]
    out = [Situation("stock_out", {"product": p.title, "sku": sku_name,
                                   "alternatives": alternatives or None}, facts)]
    out.append(Situation("stock_out_plain", {"product": p.title, "sku": sku_name}, facts,
                         score=0.9))
    return out


stock = _with_item(stock_of)


@_with_item
def overview(policy: ShopPolicy, turn: Turn, p: Product) -> List[Situation]:
    """What the item is (price, material); a field the words point to answers first."""
    if sku_asked(turn, p):
        return stock_of(policy, turn, p)
    facts = [_fact(p, "price"), _fact(p, "material")]
    matched = product_facts.answer(turn, p, None)
    for s in matched:
        s.score = round(s.score - 0.02, 2)  # above the overview
    return matched + [Situation("product_overview", {
        "product": p.title, "price": _price_text(p), "material": p.material or None},
        facts, score=0.9), Situation("product_info", {"product": p.title},
                                     [f"product.{p.item_no}"], score=0.85)]


def general(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """A product question without a recognised sub-topic: what the item is, or which."""
    return overview(session, policy, turn, lookup)
