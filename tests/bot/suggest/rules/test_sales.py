"""Bargain sub-topics for both shops: the price holds (max_discount_percent 0), the coupons
are the policy's own with their thresholds, the gap to the next 满减 and to free shipping
is worked out from a named amount or the item in view, and a gift is never promised."""

from __future__ import annotations

import re
from typing import List, Optional

import pytest
from sqlalchemy.orm import Session

from bot.catalogue import load_catalogue
from bot.policy import Coupon, shop_policy
from bot.store.demo import DEMO_STATES
from bot.store.models import Product
from bot.store.queries import shop_products
from bot.suggest.context import OrderLookup, Turn
from bot.suggest.engine import SuggestionSet
from bot.suggest.rules import sales
from tests.bot.store.conftest import NOW
from tests.bot.suggest.rules.conftest import ask, entity, texts

SHOPS = ["wuhan", "shanghai"]
SUBTOPICS = ["discount", "coupon", "threshold", "gift", None]
FORBIDDEN = re.compile(r"\{[^{}]*\}|(?<!\d)1[3-9]\d{9}(?!\d)|微信|VX|vx|QQ|qq"
                       r"|最|第一|100%|顶级|国家级|绝对|保证|一定")
# what a price that holds never says
LOWERED = re.compile(r"便宜\d|少\d+元|优惠价|改价|打\d折|\d折")


def bargain(session: Session, subtopic: Optional[str], **kw) -> SuggestionSet:  # type: ignore[no-untyped-def]
    return ask(session, "bargain", subtopic, **kw)


def amount(value: float, text: Optional[str] = None, **info) -> List[dict]:  # type: ignore[no-untyped-def]
    return [entity("amount", text or f"{value:g}元", yuan=value, **info)]


def priced(session: Session, shop: str, below: float) -> Product:
    """A product of the shop cheaper than ``below`` (the catalogue may change)."""
    cheap = [p for p in shop_products(session, shop) if float(p.price) < below]
    assert cheap, f"{shop} has no product under {below}"
    return cheap[0]


def yuan(value: float) -> str:
    return f"{round(value, 2):g}元"


def coupons(shop: str) -> List[Coupon]:
    return sorted(shop_policy(shop).bargain.coupons, key=lambda c: c.threshold)


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("subtopic", SUBTOPICS)
def test_no_bargain_answer_lowers_the_price_or_breaks_a_rule(demo_session: Session, shop: str,
                                                            subtopic: Optional[str]) -> None:
    item = shop_products(demo_session, shop)[0].item_no
    for state in DEMO_STATES:
        for kw in ({}, {"item_id": item}, {"entities": amount(150)}):
            result = bargain(demo_session, subtopic, buyer=f"{shop}-{state}", shop=shop,
                             text="能便宜点吗", **kw)
            assert 1 <= len(result.suggestions) <= 3
            for s in result.suggestions:
                assert s.intent == "bargain"
                assert not FORBIDDEN.search(s.text) and not LOWERED.search(s.text), s.text


# ---------------------------------------------------------------- discount

@pytest.mark.parametrize("shop", SHOPS)
def test_discount_holds_the_price_and_offers_the_easiest_coupon(demo_session: Session,
                                                                shop: str) -> None:
    assert shop_policy(shop).bargain.max_discount_percent == 0
    easiest = coupons(shop)[0]
    result = bargain(demo_session, "discount", shop=shop, text="能便宜点吗")
    assert result.situations == ["hold_price", "coupon", "free_shipping"]
    assert result.suggestions[0].facts == ["policy.bargain.max_discount_percent"]
    coupon = result.suggestions[1]
    assert coupon.slots == {"coupon_name": easiest.name, "coupon_amount": yuan(easiest.amount),
                            "coupon_threshold": yuan(easiest.threshold)}
    assert not result.escalate


@pytest.mark.parametrize("shop", SHOPS)
def test_discount_with_a_price_offers_the_best_usable_coupon(demo_session: Session,
                                                             shop: str) -> None:
    top = max(coupons(shop), key=lambda c: c.threshold)
    result = bargain(demo_session, "discount", shop=shop, text="350块能便宜吗",
                     entities=amount(top.threshold + 51))
    coupon = result.suggestions[0]  # with a price, the coupon it takes comes first
    assert coupon.slots["coupon_name"] == top.name and yuan(top.amount) in coupon.text
    assert "hold_price" in result.situations  # the price itself still holds
    assert "message.amount" in coupon.facts
    assert "free_shipping" not in result.situations  # already over the free-shipping line


def test_a_shop_allowing_a_discount_offers_it_within_the_limit(demo_session: Session) -> None:
    policy = shop_policy("wuhan")
    allows = policy.copy(update={"bargain": policy.bargain.copy(
        update={"max_discount_percent": 5})})
    turn = Turn(shop_id="wuhan", intent="bargain", subtopic="discount", now=NOW)
    first = sales.discount(demo_session, allows, turn, OrderLookup(anonymous=True))[0]
    assert first.name == "bargain_discount_allowed"
    assert first.values == {"max_discount_percent": "5"}


# ---------------------------------------------------------------- coupon

@pytest.mark.parametrize("shop", SHOPS)
def test_coupon_lists_every_policy_coupon_and_where_to_use_it(demo_session: Session,
                                                              shop: str) -> None:
    result = bargain(demo_session, "coupon", shop=shop, text="有优惠券吗")
    assert result.situations[0] == "bargain_coupon_list"
    top = result.suggestions[0]
    for c in coupons(shop):
        assert f"{c.name}（满{yuan(c.threshold)}减{yuan(c.amount)}）" in top.text
    assert "下单页" in top.text
    assert not any(w in t for t in texts(result) for w in ("领券中心", "店铺首页"))
    assert top.facts == ["policy.bargain.coupons"]


def test_without_coupons_the_policy_says_there_are_none(demo_session: Session) -> None:
    policy = shop_policy("shanghai")
    bare = policy.copy(update={"bargain": policy.bargain.copy(update={"coupons": []})})
    turn = Turn(shop_id="shanghai", intent="bargain", subtopic="coupon", now=NOW)
    names = [s.name for s in sales.coupon(demo_session, bare, turn, OrderLookup(anonymous=True))]
    assert names[0] == "bargain_coupon_none" and "coupon" not in names


# ---------------------------------------------------------------- threshold

@pytest.mark.parametrize("shop", SHOPS)
def test_threshold_of_an_amount_between_two_coupons(demo_session: Session, shop: str) -> None:
    low, high = coupons(shop)[0], coupons(shop)[-1]
    spent = low.threshold + 30
    result = bargain(demo_session, "threshold", shop=shop, text=f"我买了{spent:g}元还差多少",
                     entities=amount(spent))
    assert result.situations == ["bargain_threshold_reached", "bargain_threshold_gap"]
    gap, reached = result.suggestions[:2]  # 还差多少 asks the gap: it comes first
    assert reached.slots["coupon_name"] == low.name and yuan(low.amount) in reached.text
    assert gap.slots["gap"] == yuan(high.threshold - spent)
    assert yuan(high.threshold - spent) in gap.text and high.name in gap.text
    assert {"policy.bargain.coupons", "message.amount"} <= set(gap.facts)


@pytest.mark.parametrize("shop", SHOPS)
def test_threshold_of_the_item_in_view_counts_to_the_coupon_and_free_shipping(
        demo_session: Session, shop: str) -> None:
    policy = shop_policy(shop)
    free = policy.bargain.free_shipping_threshold
    assert free
    product = priced(demo_session, shop, below=min(free, coupons(shop)[0].threshold))
    price = float(product.price)
    result = bargain(demo_session, "threshold", shop=shop, item_id=product.item_no, text="还差多少")
    assert result.situations == ["bargain_threshold_gap", "bargain_free_shipping_gap"]
    gap, shipping = result.suggestions[:2]
    assert product.title in gap.text and yuan(price) in gap.text
    assert gap.slots["gap"] == yuan(coupons(shop)[0].threshold - price)
    assert f"product.{product.item_no}.price" in gap.facts
    assert yuan(free - price) in shipping.text
    assert "、".join(policy.bargain.free_shipping_excludes) in shipping.text
    assert "policy.bargain.free_shipping_threshold" in shipping.facts


def test_threshold_over_every_coupon_needs_nothing_more(demo_session: Session) -> None:
    top = coupons("wuhan")[-1]
    result = bargain(demo_session, "threshold", entities=amount(top.threshold + 1))
    assert result.situations == ["bargain_threshold_reached"]
    assert result.suggestions[0].slots["coupon_name"] == top.name


def test_an_approximate_amount_reaches_its_coupon_but_gets_no_gap(demo_session: Session) -> None:
    top = coupons("wuhan")[-1]
    result = bargain(demo_session, "threshold", text="三百多块",
                     entities=amount(300.0, "三百多块", more_than=True))
    assert result.situations[0] == "bargain_threshold_reached"
    assert "300多元" in result.suggestions[0].text and top.name in result.suggestions[0].text
    assert "bargain_threshold_gap" not in result.situations


def test_threshold_without_an_amount_lists_the_rules_and_asks(demo_session: Session) -> None:
    result = bargain(demo_session, "threshold", text="满多少减")
    assert result.situations == ["bargain_coupon_list", "free_shipping", "bargain_threshold_ask"]
    assert "多少钱" in result.suggestions[2].text


# ---------------------------------------------------------------- gift

@pytest.mark.parametrize("shop", SHOPS)
def test_a_gift_is_noted_and_asked_of_a_supervisor_never_promised(demo_session: Session,
                                                                  shop: str) -> None:
    result = bargain(demo_session, "gift", shop=shop, text="有赠品吗")
    assert result.situations[0] == "bargain_gift_supervisor"
    assert result.escalate
    top = result.suggestions[0]
    assert "主管" in top.text and "记" in top.text
    assert "policy.bargain.gifts:not_in_policy" in top.facts
    assert not any(re.search(r"送您|赠送您|有赠品|暂时没有赠品", t) for t in texts(result))


def test_no_sub_topic_is_answered_as_a_discount(demo_session: Session) -> None:
    product = shop_products(demo_session, "wuhan")[0]
    for kw in ({}, {"item_id": product.item_no}):
        assert (bargain(demo_session, None, **kw).situations
                == bargain(demo_session, "discount", **kw).situations)


def test_prices_typed_without_yuan_bought_together_count_to_the_next_coupon(
        demo_session: Session) -> None:
    result = bargain(demo_session, "threshold", shop="shanghai",
                     text="牛仔裤159 休闲裤139 一起买能用满减券吗")
    top = result.suggestions[0]
    assert "298元" in top.text and "1元" in top.text and "299元" in top.text


def test_the_coupon_named_by_its_amount_is_the_one_counted_to(demo_session: Session) -> None:
    walnuts = next(p for p in load_catalogue("wuhan") if "核桃" in p.title)
    result = bargain(demo_session, "threshold", text="差多少能用20的那张", item_id=walnuts.item_no)
    gap = 299 - float(walnuts.price)
    assert f"{gap:g}元" in result.suggestions[0].text and "299元" in result.suggestions[0].text
