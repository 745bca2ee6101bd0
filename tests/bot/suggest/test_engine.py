"""Suggestions over the demo data: the right path for every order state, real facts,
and never a raw {slot}, phone number, off-platform contact or absolute claim."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

import pytest
from sqlalchemy.orm import Session

from bot.store.demo import DEMO_STATES
from bot.store.queries import buyer_orders
from bot.suggest.context import Turn
from bot.suggest.engine import suggest
from tests.bot.store.conftest import NOW

INTENTS = ["greet", "goodbye", "affirm", "deny", "shipping_query", "size_query", "bargain",
           "refund", "complaint", "product_query", "change_order", "invoice", "human_handoff",
           "nlu_fallback"]


def run(session: Session, intent: str, buyer: Optional[str] = None, shop: str = "wuhan",
        entities: Optional[List[Dict[str, Any]]] = None, text: str = "",
        order_id: Optional[str] = None):  # type: ignore[no-untyped-def]
    return suggest(session, Turn(shop_id=shop, intent=intent, text=text, buyer_id=buyer,
                                 entities=entities or [], order_id=order_id, now=NOW))


SHIPPING_PATHS = {
    "none": "ship_promise",
    "awaiting_payment": "awaiting_payment",
    "paid_not_shipped": "paid_not_shipped",
    "paid_overdue": "paid_overdue",
    "shipped_in_transit": "shipped",
    "delivered_3_days_ago": "delivered",
    "completed_20_days_ago": "delivered",
    "refunding": "delivered",
    "closed": "refund_closed",
    "several_open": "ask_which_order",
}
REFUND_PATHS = {
    "none": "ask_order_id",
    "awaiting_payment": "refund_unpaid_close",
    "paid_not_shipped": "refund_paid_not_shipped",
    "paid_overdue": "refund_paid_not_shipped",
    "shipped_in_transit": "refund_shipped",
    "delivered_3_days_ago": "refund_within_no_reason",
    "completed_20_days_ago": "refund_outside_no_reason",
    "refunding": "refund_in_progress",
    "closed": "refund_closed",
    "several_open": "ask_which_order",
}


@pytest.mark.parametrize("shop", ["wuhan", "shanghai"])
@pytest.mark.parametrize("state", sorted(DEMO_STATES))
def test_shipping_and_refund_path_for_every_order_state(demo_session: Session, shop: str,
                                                        state: str) -> None:
    buyer = f"{shop}-{state}"
    ship = run(demo_session, "shipping_query", buyer, shop)
    assert ship.situations[0] == SHIPPING_PATHS[state]
    assert ship.suggestions, ship.situations
    ref = run(demo_session, "refund", buyer, shop)
    assert ref.situations[0] == REFUND_PATHS[state]
    assert ref.suggestions[0].intent == "refund"


def test_shipped_order_suggestion_carries_its_real_courier_and_tracking(
        demo_session: Session) -> None:
    [order] = buyer_orders(demo_session, "wuhan", "wuhan-shipped_in_transit")
    shipment = order.shipments[-1]
    result = run(demo_session, "shipping_query", "wuhan-shipped_in_transit")
    top = result.suggestions[0]
    assert top.slots["courier"] == shipment.courier
    assert top.slots["tracking_no"] == shipment.tracking_no
    assert shipment.tracking_no in top.text and shipment.courier in top.text
    assert f"order.{order.id}.shipment" in top.facts
    assert result.order_id == order.id


def test_paid_order_promises_the_policy_deadline(demo_session: Session) -> None:
    result = run(demo_session, "shipping_query", "wuhan-paid_not_shipped")
    # paid 5 h before NOW (14:00 UTC = 22:00 Shanghai) → deadline 24 h after payment
    assert result.suggestions[0].slots["ship_eta"] == "11月24日17:12"


def test_fee_to_xinjiang_is_15_per_kg(demo_session: Session) -> None:
    result = run(demo_session, "shipping_query", "wuhan-none",
                 entities=[{"entity": "location", "value": "新疆"}])
    top = result.suggestions[0]
    assert result.situations == ["fee_quote"]
    assert top.slots["fee"] == "15元" and "15元" in top.text and "公斤/公斤" not in top.text
    assert "policy.shipping.regions.西北五省" in top.facts


def test_tibet_fee_is_confirmed_first(demo_session: Session) -> None:
    result = run(demo_session, "shipping_query", None,
                 entities=[{"entity": "location", "value": "拉萨"}])
    assert result.situations == ["fee_confirm_first"]


def test_unknown_order_number_is_a_polite_check_request(demo_session: Session) -> None:
    result = run(demo_session, "shipping_query", None,
                 entities=[{"entity": "order_id", "value": "999999999999999999"}])
    assert result.situations == ["unknown_order"]
    assert "999999999999999999" in result.suggestions[0].text


def test_order_number_of_another_shop_is_unknown_here(demo_session: Session) -> None:
    [order] = buyer_orders(demo_session, "shanghai", "shanghai-paid_not_shipped")
    result = run(demo_session, "shipping_query", None, shop="wuhan",
                 entities=[{"entity": "order_id", "value": order.id}])
    assert result.situations == ["unknown_order"]


def test_remembered_order_number_is_used_without_buyer_id(demo_session: Session) -> None:
    [order] = buyer_orders(demo_session, "wuhan", "wuhan-paid_not_shipped")
    result = run(demo_session, "refund", None, order_id=order.id)
    assert result.situations[0] == "refund_paid_not_shipped"
    assert order.id in result.suggestions[0].text


def test_size_recommendation_uses_the_product_chart(demo_session: Session) -> None:
    entities = [{"entity": "height", "value": "165cm", "additional_info": {"cm": 165}},
                {"entity": "weight", "value": "120斤", "additional_info": {"jin": 120}}]
    result = run(demo_session, "size_query", "shanghai-none", "shanghai", entities=entities)
    assert result.situations == ["product_ask_which"]  # two sized products: which one?
    result = run(demo_session, "size_query", "wuhan-none", "wuhan", entities=entities)
    assert result.situations == ["size_recommend"]
    assert result.suggestions[0].slots["size"] == "L"


def test_size_without_measurements_asks_for_them(demo_session: Session) -> None:
    assert run(demo_session, "size_query", "wuhan-none").situations == ["size_ask_measurements"]


def test_complaint_apologises_first_and_escalates(demo_session: Session) -> None:
    result = run(demo_session, "complaint", "wuhan-delivered_3_days_ago", text="质量太差了")
    assert result.escalate
    assert result.suggestions[0].text.startswith(("抱歉", "非常抱歉", "不好意思", "亲，非常抱歉",
                                                  "亲，抱歉", "亲，不好意思", "真的非常抱歉", "实在抱歉"))


FORBIDDEN = re.compile(r"\{[^{}]*\}|(?<!\d)1[3-9]\d{9}(?!\d)|微信|VX|vx|QQ|qq"
                       r"|最|第一|100%(?!(?:纯?棉|羊毛|桑蚕丝|聚酯纤维|涤纶|棉))|顶级|国家级|绝对|保证|一定")


def test_no_rendered_suggestion_breaks_the_rules(demo_session: Session) -> None:
    """Every intent for every demo buyer of both shops, with and without entities."""
    entity_sets = [[], [{"entity": "location", "value": "新疆"}],
                   [{"entity": "location", "value": "拉萨"}, {"entity": "courier", "value": "顺丰"}],
                   [{"entity": "height", "value": "170cm", "additional_info": {"cm": 170}},
                    {"entity": "weight", "value": "130斤", "additional_info": {"jin": 130}}]]
    seen = 0
    for shop in ("wuhan", "shanghai"):
        for state in DEMO_STATES:
            for intent in INTENTS:
                for entities in entity_sets:
                    result = run(demo_session, intent, f"{shop}-{state}", shop, entities)
                    assert 1 <= len(result.suggestions) <= 3, (shop, state, intent)
                    for s in result.suggestions:
                        seen += 1
                        assert not FORBIDDEN.search(s.text), (s.phrase_id, s.text)
    assert seen > 1000


def test_complaint_states_the_order_facts(demo_session: Session) -> None:
    [order] = buyer_orders(demo_session, "wuhan", "wuhan-delivered_3_days_ago")
    result = run(demo_session, "complaint", "wuhan-delivered_3_days_ago", text="东西坏了")
    assert result.situations == ["complaint_quality", "complaint_order", "complaint_escalate"]
    second = result.suggestions[1]
    assert second.slots == {"order_id": order.id, "status": "卖家已发货"}


def test_a_pasted_item_number_names_the_product(demo_session: Session) -> None:
    from bot.store.queries import shop_products

    item = shop_products(demo_session, "wuhan")[1]
    result = run(demo_session, "product_query", None, text=f"{item.item_no}这个怎么样")
    assert result.situations[0] == "product_overview"
    assert item.title in result.suggestions[0].text
    assert run(demo_session, "product_query", None, text="这款怎么样").situations == [
        "product_ask_which"]


def test_of_several_open_orders_the_words_pick_the_one_not_sent(demo_session: Session) -> None:
    from bot.store.models import OrderStatus
    from bot.suggest.context import Turn, find_turn_order

    turn = Turn(shop_id="wuhan", intent="shipping_query", text="还有一单一直没发的 快点发",
                buyer_id="wuhan-several_open", now=NOW)
    lookup = find_turn_order(demo_session, turn)
    assert lookup.order is not None and OrderStatus(lookup.order.status) == OrderStatus.paid
    vague = find_turn_order(demo_session, Turn(shop_id="wuhan", intent="shipping_query",
                                               text="我的订单呢", buyer_id="wuhan-several_open",
                                               now=NOW))
    assert vague.order is None and len(vague.several) > 1
