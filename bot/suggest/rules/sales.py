"""Bargaining: the price holds; coupons and free shipping are what the shop offers.

Everything offered comes from ``policy.bargain``: ``max_discount_percent`` (0: the price
cannot be lowered), ``coupons`` (name, amount, threshold), ``free_shipping_threshold`` and
its excluded regions. Where a price is known — an amount the buyer names, else the item
in view — the best usable coupon and how much more reaches the next threshold are
worked out. The seeds do not say where coupons are claimed: the phrases say they are
chosen on the order page (下单页). The policy has no gift rule: a gift is noted and asked
of a supervisor, never promised.
"""

from __future__ import annotations

import re
from typing import Dict, List, NamedTuple, Optional

from sqlalchemy.orm import Session

from bot.nlu.numbers import quantity
from bot.policy import Coupon, ShopPolicy
from bot.store.queries import find_product
from bot.suggest.context import (
    OrderLookup,
    Situation,
    Turn,
)
from bot.suggest.rules.common import Rule, after_sales, order_missing, order_or_question  # noqa: F401

COUPONS = "policy.bargain.coupons"
_TOGETHER = re.compile(r"一起|加一?[件个条双盒包袋]|再加|再买|加上|凑一?[件个]|合起来|总共|一共")
_BOTH = re.compile(r"[和跟与、]|\d\s+\D")
FREE_SHIPPING = "policy.bargain.free_shipping_threshold"


def yuan(value: float) -> str:
    return f"{round(float(value), 2):g}元"


class Price(NamedTuple):
    value: float
    product: Optional[str]   # the item's title, when the price is the item's
    facts: List[str]
    exact: bool = True       # 三百多块: a lower bound only

    @property
    def shown(self) -> str:
        return yuan(self.value) if self.exact else f"{self.value:g}多元"


def _yuan_of(entity: Dict) -> float:
    """An amount entity's value in 元 (0 when it has none)."""
    value = (entity.get("additional_info") or {}).get("yuan")
    return float(value) if isinstance(value, (int, float)) and value > 0 else 0.0


def price_of(session: Session, turn: Turn) -> Optional[Price]:
    """The amount the buyer names (¥129, 一百二十块), else the price of the item in view."""
    typed = [e for e in turn.entities if e.get("entity") == "amount" and _yuan_of(e)]
    amounts = [e for e in typed if not e.get("carried")] or typed  # this message's first
    values = [_yuan_of(e) for e in amounts] or _bare_amounts(turn.text)
    if values:
        exact = not any((e.get("additional_info") or {}).get("more_than") for e in amounts)
        together = _TOGETHER.search(turn.text) is not None
        if together and len(values) == 1 and turn.item_id:  # 加一件79的: the item in view too
            item = find_product(session, turn.shop_id, turn.item_id)
            if item is not None:
                return Price(float(item.price) + values[0], f"{item.title}加{yuan(values[0])}的",
                             [f"product.{item.item_no}.price", "message.amount"], exact)
        value = sum(values) if together or len(values) > 1 and _BOTH.search(turn.text) else values[0]
        return Price(value, None, ["message.amount"], exact)
    if turn.item_id:
        product = find_product(session, turn.shop_id, turn.item_id)
        if product is not None:
            count = quantity(turn.text) or 1  # 买两个: the price of two
            return Price(float(product.price) * count,
                         product.title + (f"×{count}" if count > 1 else ""),
                         [f"product.{product.item_no}.price"]
                         + (["message.quantity"] if count > 1 else []))
    return None


def _coupon_values(coupon: Coupon) -> Dict[str, str]:
    return {"coupon_name": coupon.name, "coupon_amount": yuan(coupon.amount),
            "coupon_threshold": yuan(coupon.threshold)}


def _coupon(coupon: Coupon, facts: List[str], score: float) -> Situation:
    return Situation("coupon", _coupon_values(coupon), [COUPONS] + facts, score)


def _usable(policy: ShopPolicy, price: float) -> Optional[Coupon]:
    """The coupon worth most at this price (满 means at least the threshold)."""
    usable = [c for c in policy.bargain.coupons if c.threshold <= price]
    return max(usable, key=lambda c: (c.amount, -c.threshold)) if usable else None


def _next(policy: ShopPolicy, price: float, better_than: float = 0) -> Optional[Coupon]:
    """The nearest threshold above the price that gives more than ``better_than``."""
    ahead = [c for c in policy.bargain.coupons if c.threshold > price and c.amount > better_than]
    return min(ahead, key=lambda c: (c.threshold, -c.amount)) if ahead else None


_BARE = re.compile(r"(?<![\d.满减差第])(\d{2,4}(?:\.\d{1,2})?)(?![\d.])(?!\s*(?:码|号|斤|cm|CM|厘米|"
                   r"公分|kg|KG|g|ml|L|件|个|岁|月|天|小时|分钟|点|的那张|的券|张))")


def _bare_amounts(text: str) -> List[float]:
    """Prices typed without 元 in a money question: 牛仔裤159 休闲裤139 一起买."""
    return [float(m.group(1)) for m in _BARE.finditer(text)]


def _named_coupon(policy: ShopPolicy, text: str, price: float) -> Optional[Coupon]:
    """差多少能用20的那张 / 减20的券: the coupon the buyer names by its amount, if not reached."""
    for m in re.finditer(r"(\d+)\s*(?:元|块)?(?:的)?(?:那张|券|优惠券)|减\s*(\d+)", text):
        amount = float(m.group(1) or m.group(2))
        named = [c for c in policy.bargain.coupons if c.amount == amount and c.threshold > price]
        if named:
            return named[0]
    return None


def _gap(price: Price, coupon: Coupon, score: float) -> Situation:
    return Situation("bargain_threshold_gap", {
        "amount": yuan(price.value), "product": price.product,
        "gap": yuan(coupon.threshold - price.value), **_coupon_values(coupon)},
        [COUPONS] + price.facts, score)


def _free_shipping(policy: ShopPolicy, price: Optional[Price], score: float
                   ) -> Optional[Situation]:
    """满X包邮; with a price below it, how much more."""
    threshold = policy.bargain.free_shipping_threshold
    if not threshold:
        return None
    facts = [FREE_SHIPPING]
    if price is None or not price.exact:
        return Situation("free_shipping", {"free_shipping_threshold": yuan(threshold)}, facts,
                         score)
    if price.value >= threshold:
        return None
    excludes = "、".join(policy.bargain.free_shipping_excludes) or None
    return Situation("bargain_free_shipping_gap", {
        "amount": yuan(price.value), "product": price.product,
        "gap": yuan(threshold - price.value), "free_shipping_threshold": yuan(threshold),
        "free_shipping_excludes": excludes},
        facts + ["policy.bargain.free_shipping_excludes"] + price.facts, score)


def _hold(policy: ShopPolicy) -> Situation:
    percent = policy.bargain.max_discount_percent
    facts = ["policy.bargain.max_discount_percent"]
    if percent <= 0:
        return Situation("hold_price", facts=facts)
    return Situation("bargain_discount_allowed", {"max_discount_percent": f"{percent:g}"}, facts)


def _best_offer(policy: ShopPolicy, price: Optional[Price], score: float) -> List[Situation]:
    """The best coupon for the price; without a price, the easiest to reach; below every
    threshold, how much more the nearest one needs."""
    coupons = policy.bargain.coupons
    if not coupons:
        return []
    if price is None or not price.exact:
        easiest = min(coupons, key=lambda c: (c.threshold, -c.amount))
        return [_coupon(easiest, [], score)]
    best = _usable(policy, price.value)
    if best is not None:
        return [_coupon(best, price.facts, score)]
    nearest = _next(policy, price.value)
    return [_gap(price, nearest, score)] if nearest is not None else []


def discount(session: Session, policy: ShopPolicy, turn: Turn,
             lookup: OrderLookup) -> List[Situation]:
    """能便宜点吗: the price holds (max_discount_percent 0); the best coupon, free shipping."""
    price = price_of(session, turn)
    offer = _best_offer(policy, price, 0.9)
    if price is not None and price.exact and offer and offer[0].name == "coupon":
        offer[0].score = 1.01  # 128 能少点不: the coupon that price takes, first
    out = [_hold(policy)] + offer
    shipping = _free_shipping(policy, price, 0.8)
    return out + ([shipping] if shipping is not None else [])


general = discount


def _coupon_list(policy: ShopPolicy, score: float = 1.0) -> Situation:
    coupons = policy.bargain.coupons
    if not coupons:
        return Situation("bargain_coupon_none", facts=[COUPONS], score=score)
    listed = "、".join(f"{c.name}（满{yuan(c.threshold)}减{yuan(c.amount)}）" for c in coupons)
    return Situation("bargain_coupon_list", {"coupon_list": listed}, [COUPONS], score)


def coupon(session: Session, policy: ShopPolicy, turn: Turn,
           lookup: OrderLookup) -> List[Situation]:
    """有优惠券吗: every coupon with its threshold; for a known price, the one to use."""
    price = price_of(session, turn)
    out = [_coupon_list(policy)]
    if price is not None and price.exact:
        out += _best_offer(policy, price, 0.95)
    shipping = _free_shipping(policy, price, 0.8)
    return out + ([shipping] if shipping is not None else [])


def threshold(session: Session, policy: ShopPolicy, turn: Turn,
              lookup: OrderLookup) -> List[Situation]:
    """满多少减/还差多少: the 满减 reached at the price, the next one and free shipping."""
    price = price_of(session, turn)
    out: List[Situation] = []
    if price is None:
        shipping = _free_shipping(policy, None, 0.9)
        out = [_coupon_list(policy)] + ([shipping] if shipping is not None else [])
        return out + [Situation("bargain_threshold_ask", score=0.85)]
    best = _usable(policy, price.value)  # 三百多: at least 300, so 满299 is reached
    if best is not None:
        out.append(Situation("bargain_threshold_reached", {
            "amount": price.shown, "product": price.product, **_coupon_values(best)},
            [COUPONS] + price.facts, 1.0))
    ahead = _named_coupon(policy, turn.text, price.value) or _next(
        policy, price.value, best.amount if best is not None else 0)
    if ahead is not None and price.exact:  # how much more, only for an exact amount
        # 差多少 asks the gap; a few yuan short of a bigger saving is worth saying first
        close = ahead.threshold - price.value <= 0.1 * ahead.threshold
        out.append(_gap(price, ahead, 1.01 if close or "差" in turn.text else 0.95))
    shipping = _free_shipping(policy, price, 0.9)
    out += [shipping] if shipping is not None else []
    return out or [_coupon_list(policy)]


def gift(session: Session, policy: ShopPolicy, turn: Turn,
         lookup: OrderLookup) -> List[Situation]:
    """有赠品吗: the policy has no gift rule, so the request is noted and a supervisor asked
    (never a gift promised); the coupon is what can be offered now."""
    out = [Situation("bargain_gift_supervisor",
                     facts=["policy.bargain.gifts:not_in_policy", "escalate:supervisor"])]
    return out + _best_offer(policy, price_of(session, turn), 0.8)
