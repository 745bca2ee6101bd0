"""change_order sub-topics for both shops: a new address is confirmed before dispatch
without ever repeating it (only its city/district), redirected or refused after; a new
colour/size is noted when in stock, exchanged after receipt within the no-reason days."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from bot.policy import shop_policy
from bot.store.demo import DEMO_STATES
from bot.store.models import Order, ProductSku
from bot.store.queries import buyer_orders
from bot.suggest.context import aware
from bot.suggest.engine import SuggestionSet
from bot.suggest.rules.change import new_address, sku_label
from tests.bot.suggest.rules.conftest import ask, entity, texts

SHOPS = ["wuhan", "shanghai"]
FORBIDDEN = re.compile(r"\{[^{}]*\}|(?<!\d)1[3-9]\d{9}(?!\d)|微信|VX|vx|QQ|qq"
                       r"|最|第一|100%|顶级|国家级|绝对|保证|一定")
PHONE = "13812345678"
NEW_ADDRESS = f"地址改成湖北省武汉市洪山区珞喻路1037号华中科技大学 张三 {PHONE}"
PERSONAL = ("珞喻路", "1037", "华中科技大学", "张三", PHONE, "湖北省")
BEFORE_DISPATCH = ["awaiting_payment", "paid_not_shipped", "paid_overdue"]
ZONE = ZoneInfo("Asia/Shanghai")


def change(session: Session, subtopic: Optional[str], **kw) -> SuggestionSet:  # type: ignore[no-untyped-def]
    return ask(session, "change_order", subtopic, **kw)


def the_order(session: Session, shop: str, state: str) -> Order:
    [order] = buyer_orders(session, shop, f"{shop}-{state}")
    return order


def assert_private(result: SuggestionSet) -> None:
    for s in result.suggestions:
        assert not any(p in s.text for p in PERSONAL), s.text
        assert not any(p in str(v) for v in s.slots.values() for p in PERSONAL), s.slots


# ---------------------------------------------------------------- every state

@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("subtopic", ["address", "sku_swap", None])
def test_no_change_answer_repeats_personal_data_or_breaks_a_rule(
        demo_session: Session, shop: str, subtopic: Optional[str]) -> None:
    for state in DEMO_STATES:
        for text in ("", NEW_ADDRESS, "换成L码", "我想改成黑色的"):
            result = change(demo_session, subtopic, buyer=f"{shop}-{state}", shop=shop, text=text)
            assert 1 <= len(result.suggestions) <= 3, (state, text)
            assert_private(result)
            for s in result.suggestions:
                assert not FORBIDDEN.search(s.text), (s.phrase_id, s.text)


# ---------------------------------------------------------------- address

@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", BEFORE_DISPATCH)
def test_a_new_address_before_dispatch_is_noted_with_its_district_only(
        demo_session: Session, shop: str, state: str) -> None:
    order = the_order(demo_session, shop, state)
    result = change(demo_session, "address", buyer=f"{shop}-{state}", shop=shop, text=NEW_ADDRESS)
    assert result.situations == ["change_address_noted"]
    top = result.suggestions[0]
    assert top.slots == {"order_id": order.id, "area": "武汉市洪山区"}
    assert "新地址已收到" in top.text and "备注" in top.text and "武汉市洪山区" in top.text
    assert {f"order.{order.id}.status", "message.address"} <= set(top.facts)
    assert_private(result)


@pytest.mark.parametrize("shop", SHOPS)
def test_a_new_address_after_dispatch_is_redirected_by_the_courier_or_refused(
        demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "shipped_in_transit")
    courier = order.shipments[-1].courier
    result = change(demo_session, "address", buyer=f"{shop}-shipped_in_transit", shop=shop,
                    text=NEW_ADDRESS)
    assert result.situations == ["change_address_redirect"]
    top = result.suggestions[0]
    assert "改派" in top.text and "拒签" in top.text and courier in top.text
    assert "备注修改" not in " ".join(texts(result))
    assert f"order.{order.id}.shipment" in top.facts
    assert_private(result)


@pytest.mark.parametrize("state", ["delivered_3_days_ago", "completed_20_days_ago"])
def test_a_new_address_for_a_signed_order_is_too_late(demo_session: Session, state: str) -> None:
    result = change(demo_session, "address", buyer=f"wuhan-{state}", text=NEW_ADDRESS)
    assert result.situations == ["change_delivered"]
    assert "签收" in result.suggestions[0].text
    assert_private(result)


@pytest.mark.parametrize("state, first", [("refunding", "refund_in_progress"),
                                          ("closed", "refund_closed"),
                                          ("several_open", "ask_which_order"),
                                          ("none", "ask_order_id")])
def test_a_new_address_without_one_changeable_order(demo_session: Session, state: str,
                                                    first: str) -> None:
    result = change(demo_session, "address", buyer=f"shanghai-{state}", shop="shanghai",
                    text=NEW_ADDRESS)
    assert result.situations == [first]
    assert_private(result)


def test_without_an_address_the_buyer_is_asked_for_it(demo_session: Session) -> None:
    order = the_order(demo_session, "wuhan", "paid_not_shipped")
    result = change(demo_session, "address", buyer="wuhan-paid_not_shipped", text="我想改下地址")
    assert result.situations == ["change_possible"]
    assert all(order.id in t for t in texts(result)) and "新的" in result.suggestions[0].text


def test_a_city_alone_asks_for_the_full_address(demo_session: Session) -> None:
    result = change(demo_session, "address", buyer="wuhan-paid_not_shipped", text="能改到杭州吗")
    assert result.situations[0] == "change_address_ask_detail"
    assert result.suggestions[0].slots["area"] == "杭州" and "完整" in result.suggestions[0].text


@pytest.mark.parametrize("text, street, area", [
    ("麻烦帮我改下地址：浙江省杭州市西湖区文三路88号3栋2单元501", True, "杭州市西湖区"),
    ("改到上海市浦东新区张江路100号", True, "上海市浦东新区"),
    ("寄到江汉路88号", True, None),
    ("收货地址换成广州市天河区体育西路123号 李四 13900001111", True, "广州市天河区"),
    ("能改到杭州吗", False, "杭州"),
    ("我想改地址", False, None),
])
def test_the_new_address_shows_no_more_than_its_district(text: str, street: bool,
                                                         area: Optional[str]) -> None:
    found = new_address(text)
    assert found == (street, area)
    assert found.area is None or not re.search(r"\d|路|街|号", found.area)


def test_the_change_with_no_sub_topic_follows_the_address_in_the_message(
        demo_session: Session) -> None:
    result = change(demo_session, None, buyer="wuhan-paid_not_shipped", text=NEW_ADDRESS)
    assert result.situations == ["change_address_noted"]
    assert change(demo_session, None, buyer="wuhan-paid_not_shipped").situations == [
        "change_possible"]
    assert change(demo_session, None, buyer="wuhan-shipped_in_transit").situations == [
        "change_too_late"]


# ---------------------------------------------------------------- colour / size

def _swap_target(order: Order, in_stock: bool) -> Optional[Tuple[ProductSku, str]]:
    """A SKU of the order's item other than the one bought, and how a buyer asks for it."""
    item = order.items[0]
    for sku in item.product.skus:
        if (sku.colour, sku.size) == (item.colour, item.size) or not (sku.colour or sku.size):
            continue
        if (sku.stock >= item.quantity) != in_stock:
            continue
        return sku, "换成" + "".join(x for x in (sku.colour, f"{sku.size}码" if sku.size else "")
                                     if x)
    return None


@pytest.fixture()
def sold_out(demo_session: Session) -> Iterator[Tuple[str, Order]]:
    """The paid order of a shop whose item has a SKU without stock (one emptied, and
    restored afterwards, if the catalogue has none)."""
    shop = "shanghai"
    order = the_order(demo_session, shop, "paid_not_shipped")
    emptied: Optional[Tuple[ProductSku, int]] = None
    if _swap_target(order, in_stock=False) is None:
        target = _swap_target(order, in_stock=True)
        assert target is not None, "the item has only one SKU"
        emptied = (target[0], target[0].stock)
        target[0].stock = 0
    yield shop, order
    if emptied is not None:
        emptied[0].stock = emptied[1]


@pytest.mark.parametrize("shop", SHOPS)
def test_a_swap_before_dispatch_in_stock_is_noted(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "paid_not_shipped")
    target = _swap_target(order, in_stock=True)
    if target is None:
        pytest.skip("the paid order's item has no other SKU in stock")
    sku, text = target
    result = change(demo_session, "sku_swap", buyer=f"{shop}-paid_not_shipped", shop=shop,
                    text=text)
    assert result.situations == ["change_sku_noted"]
    top = result.suggestions[0]
    assert top.slots == {"order_id": order.id, "sku": sku_label(sku.colour, sku.size)}
    assert "备注" in top.text and "有货" in top.text
    assert {f"order.{order.id}.status",
            f"product.{order.items[0].product.item_no}.skus"} <= set(top.facts)


def test_a_swap_to_a_sold_out_sku_offers_what_is_in_stock(
        demo_session: Session, sold_out: Tuple[str, Order]) -> None:
    shop, order = sold_out
    target = _swap_target(order, in_stock=False)
    assert target is not None
    sku, text = target
    result = change(demo_session, "sku_swap", buyer=f"{shop}-paid_not_shipped", shop=shop,
                    text=text)
    assert result.situations == ["change_sku_unavailable"]
    top = result.suggestions[0]
    label = sku_label(sku.colour, sku.size)
    assert label in top.text and order.items[0].product.title in top.text
    assert "备注改成" not in top.text
    offered = top.slots.get("alternatives", "")
    in_stock = {sku_label(s.colour, s.size) for s in order.items[0].product.skus
                if s.stock >= order.items[0].quantity}
    assert offered and set(offered.split("、")) <= in_stock


@pytest.mark.parametrize("shop", SHOPS)
def test_a_swap_without_colour_or_size_asks_for_them(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "awaiting_payment")
    item = order.items[0]
    result = change(demo_session, "sku_swap", buyer=f"{shop}-awaiting_payment", shop=shop,
                    text="我想换一下")
    assert result.situations[0] == "change_sku_ask"
    current = sku_label(item.colour, item.size)
    if current:
        assert current in result.suggestions[0].text


def test_asking_for_the_sku_already_bought_changes_nothing(demo_session: Session) -> None:
    order = the_order(demo_session, "shanghai", "paid_not_shipped")
    item = order.items[0]
    if not item.size:
        pytest.skip("the item has no size")
    result = change(demo_session, "sku_swap", buyer="shanghai-paid_not_shipped", shop="shanghai",
                    entities=[entity("size", item.size, size=item.size)], text=f"要{item.size}码")
    assert result.situations == ["change_sku_same"]


@pytest.mark.parametrize("shop", SHOPS)
def test_a_swap_after_dispatch_is_an_exchange_after_receipt(demo_session: Session,
                                                            shop: str) -> None:
    order = the_order(demo_session, shop, "shipped_in_transit")
    result = change(demo_session, "sku_swap", buyer=f"{shop}-shipped_in_transit", shop=shop,
                    text="换成L码")
    assert result.situations == ["change_sku_after_receipt"]
    top = result.suggestions[0]
    assert order.shipments[-1].courier in top.text
    assert "售后服务卡" in top.text and "多退少补" in top.text
    assert shop_policy(shop).returns.no_reason_postage == "buyer"
    assert "邮费由您承担" in top.text and "policy.returns.no_reason_postage" in top.facts


@pytest.mark.parametrize("shop", SHOPS)
def test_a_swap_of_a_signed_order_is_exchanged_before_the_no_reason_deadline(
        demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    days = shop_policy(shop).returns.no_reason_days
    deadline = aware(order.delivered_at) + dt.timedelta(days=days)  # type: ignore[operator]
    local = deadline.astimezone(ZONE)
    result = change(demo_session, "sku_swap", buyer=f"{shop}-delivered_3_days_ago", shop=shop,
                    text="换成L码")
    assert result.situations == ["change_sku_exchange"]
    top = result.suggestions[0]
    assert f"{local.month}月{local.day}日{local:%H:%M}" in top.text
    assert {"policy.returns.no_reason_days", f"order.{order.id}.delivered_at"} <= set(top.facts)


def test_a_swap_after_the_no_reason_days_is_refused_politely(demo_session: Session) -> None:
    result = change(demo_session, "sku_swap", buyer="wuhan-completed_20_days_ago", text="换成L码")
    assert result.situations == ["change_sku_expired"]
    days = shop_policy("wuhan").returns.no_reason_days
    assert f"{days}天" in result.suggestions[0].text and "质量问题" in result.suggestions[0].text


def test_an_unpaid_order_changing_colour_is_simply_ordered_again(demo_session: Session) -> None:
    result = ask(demo_session, "change_order", "sku_swap", "拍了黄色S 还没付 想换成蓝色的",
                 buyer="shanghai-awaiting_payment", shop="shanghai")
    assert result.situations[0] == "change_unpaid_reorder"
    assert "重新" in result.suggestions[0].text
