"""Complaint sub-topics over the demo buyers of both shops: every answer apologises first,
escalates, states the policy's numbers (photo hours, who pays the postage, the courier
rule, the compensation cap) and the order's own facts, and a long complaint is answered
in the buyer's own words."""

from __future__ import annotations

import re
from typing import List, Optional

import pytest
from sqlalchemy.orm import Session

from bot.phrases import for_situation, shop_library
from bot.policy import shop_policy
from bot.store.demo import DEMO_STATES
from bot.store.models import Order, OrderStatus
from bot.store.queries import buyer_orders
from bot.suggest.context import Turn, find_turn_order
from bot.suggest.engine import SuggestionSet
from bot.suggest.rules import complaint
from tests.bot.store.conftest import NOW
from tests.bot.suggest.rules.conftest import ask, entity, texts

SHOPS = ["wuhan", "shanghai"]
SUBTOPICS = ["quality", "wrong_item", "missing_item", "courier_damage", "service", None]
FORBIDDEN = re.compile(r"\{[^{}]*\}|(?<!\d)1[3-9]\d{9}(?!\d)|微信|VX|vx|QQ|qq"
                       r"|最|第一|100%|顶级|国家级|绝对|保证|一定")
APOLOGY = ("抱歉", "不好意思")
RANT = ("我上周买的保温杯，收到第一天用就发现杯盖漏水了，倒了热水放包里，包里的书全湿了，"
        "本来是送人的礼物，结果搞成这样，真的很失望。我联系了好几次都没人回，" * 2
        + "我要求退款，不然我就去投诉。")


def complain(session: Session, subtopic: Optional[str], **kw) -> SuggestionSet:  # type: ignore[no-untyped-def]
    return ask(session, "complaint", subtopic, **kw)


def the_order(session: Session, shop: str, state: str) -> Order:
    [order] = buyer_orders(session, shop, f"{shop}-{state}")
    return order


def all_facts(result: SuggestionSet) -> List[str]:
    return [f for s in result.suggestions for f in s.facts]


# ---------------------------------------------------------------- every sub-topic, every state

@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("subtopic", SUBTOPICS)
def test_every_complaint_apologises_first_escalates_and_breaks_no_rule(
        demo_session: Session, shop: str, subtopic: Optional[str]) -> None:
    for state in DEMO_STATES:
        for text in ("", "质量太差了", RANT):
            result = complain(demo_session, subtopic, buyer=f"{shop}-{state}", shop=shop,
                              text=text)
            assert result.escalate, (state, text)
            assert 1 <= len(result.suggestions) <= 3
            for s in result.suggestions:
                assert any(w in s.text[:12] for w in APOLOGY), (state, s.phrase_id, s.text)
                assert not FORBIDDEN.search(s.text), (s.phrase_id, s.text)
                assert s.intent == "complaint"


# ---------------------------------------------------------------- quality

@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["delivered_3_days_ago", "completed_20_days_ago"])
def test_quality_asks_photos_within_the_policy_hours_and_the_shop_pays_postage(
        demo_session: Session, shop: str, state: str) -> None:
    hours = shop_policy(shop).returns.quality_photo_hours
    order = the_order(demo_session, shop, state)
    result = complain(demo_session, "quality", buyer=f"{shop}-{state}", shop=shop,
                      text="质量不行")
    assert result.situations[:2] == ["complaint_quality", "complaint_quality_options"]
    top = result.suggestions[0]
    assert f"{hours}小时" in top.text and "邮费由我们承担" in top.text
    assert {"policy.returns.quality_photo_hours", "policy.returns.quality_postage"} <= set(top.facts)
    options = result.suggestions[1]
    assert "退货退款" in options.text and "换货" in options.text and "一个邮费" in options.text
    assert "policy.returns.compensation_cap" in options.facts
    assert f"order.{order.id}.status" in all_facts(result)
    assert "complaint_ack" not in result.situations  # short, names nothing broken


def test_a_compensation_above_the_cap_goes_to_a_supervisor(demo_session: Session) -> None:
    result = complain(demo_session, "quality", buyer="wuhan-delivered_3_days_ago",
                      text="质量有问题，你们赔我50块吧", entities=[entity("amount", "50块", yuan=50.0)])
    assert "complaint_compensation_supervisor" in result.situations
    assert "complaint_quality_options" not in result.situations
    [asked] = [s for s in result.suggestions if s.phrase_id.startswith(
        "complaint.complaint_compensation_supervisor")]
    assert "主管" in asked.text and "一个邮费" in asked.text
    assert {"policy.returns.compensation_cap", "escalate:supervisor"} <= set(asked.facts)
    # an amount alone (what the item cost) asks for no compensation
    priced = complain(demo_session, "quality", buyer="wuhan-delivered_3_days_ago",
                      text="129块买的质量就这样", entities=[entity("amount", "129块", yuan=129.0)])
    assert "complaint_quality_options" in priced.situations
    assert "complaint_compensation_supervisor" not in priced.situations


def test_a_long_complaint_is_acknowledged_with_its_problem_and_request(
        demo_session: Session) -> None:
    result = complain(demo_session, "quality", buyer="wuhan-delivered_3_days_ago", text=RANT)
    assert result.situations[0] == "complaint_ack"
    top = result.suggestions[0]
    assert top.slots == {"problem": "杯盖漏水", "request": "退款"}
    assert "“杯盖漏水”" in top.text and "退款" in top.text
    assert "message.problem" in top.facts
    # the policy answer still follows the acknowledgement
    assert "24小时" in result.suggestions[1].text


def test_a_short_named_problem_gets_what_the_shop_does_first_and_the_ack_next(
        demo_session: Session) -> None:
    result = complain(demo_session, "quality", buyer="shanghai-delivered_3_days_ago",
                      shop="shanghai", text="衣服拉链坏了")
    # what to do (photos within 24 h, the shop pays the postage) is what the buyer needs
    top = result.suggestions[0]
    assert "24小时" in top.text and "problem" not in top.slots
    acks = [s for s in result.suggestions[1:3] if s.slots.get("problem")]
    assert acks and acks[0].slots == {"problem": "衣服拉链坏了"}
    assert "“衣服拉链坏了”" in acks[0].text


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("subtopic", ["quality", "wrong_item", "missing_item", "courier_damage"])
def test_an_item_complaint_about_an_unsent_order_says_it_is_not_sent(
        demo_session: Session, shop: str, subtopic: str) -> None:
    order = the_order(demo_session, shop, "paid_not_shipped")
    result = complain(demo_session, subtopic, buyer=f"{shop}-paid_not_shipped", shop=shop)
    assert result.situations[0] == "complaint_not_shipped"
    top = result.suggestions[0]
    assert order.id in top.text and "买家已付款" in top.text and "还没有发货" in top.text
    assert top.facts == [f"order.{order.id}.status"]
    # nothing claims that this (unsent) order was sent wrong or short
    assert not any(order.items[0].product.title in t for t in texts(result))


@pytest.mark.parametrize("subtopic", ["quality", "wrong_item", "courier_damage"])
def test_a_complaint_about_an_order_in_after_sales_states_its_refund(
        demo_session: Session, subtopic: str) -> None:
    order = the_order(demo_session, "wuhan", "refunding")
    result = complain(demo_session, subtopic, buyer="wuhan-refunding")
    assert result.situations == ["refund_in_progress", "complaint_escalate"]
    top = result.suggestions[0]
    assert top.phrase_id.startswith("complaint.") and order.id in top.text
    assert f"order.{order.id}.flags" in top.facts  # 红旗 袖子处破损: for the agent


def test_the_policy_decides_who_pays_for_a_quality_return(demo_session: Session) -> None:
    policy = shop_policy("wuhan")
    buyer_pays = policy.copy(update={"returns": policy.returns.copy(
        update={"quality_postage": "buyer"})})
    turn = Turn(shop_id="wuhan", intent="complaint", subtopic="quality",
                buyer_id="wuhan-delivered_3_days_ago", now=NOW)
    lookup = find_turn_order(demo_session, turn)
    names = [s.name for s in complaint.quality(demo_session, buyer_pays, turn, lookup)]
    assert "complaint_quality_photos" in names and "complaint_quality" not in names
    wrong = complaint.wrong_item(demo_session, buyer_pays, turn, lookup)[0]
    assert wrong.values["postage_payer"] is None  # no phrase claims the shop pays
    assert complaint.wrong_item(demo_session, policy, turn, lookup)[0].values[
        "postage_payer"] == "我们"


# ---------------------------------------------------------------- wrong / missing item

@pytest.mark.parametrize("shop", SHOPS)
def test_a_wrong_item_is_checked_against_the_order_and_re_sent(demo_session: Session,
                                                                shop: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    item = order.items[0]
    result = complain(demo_session, "wrong_item", buyer=f"{shop}-delivered_3_days_ago", shop=shop,
                      text="你们发错货了")
    assert result.situations[0] == "complaint_wrong_item"
    top = result.suggestions[0]
    assert order.id in top.text and item.product.title in top.text
    assert all(x in top.text for x in (item.colour or "", "吊牌", "重新发", "邮费由我们承担"))
    assert {f"order.{order.id}.items", "policy.returns.quality_postage"} <= set(top.facts)
    assert "complaint_escalate" in result.situations and result.escalate


@pytest.mark.parametrize("shop", SHOPS)
def test_a_missing_item_is_looked_for_then_re_sent(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    result = complain(demo_session, "missing_item", buyer=f"{shop}-delivered_3_days_ago",
                      shop=shop, text="少发了一件")
    top = result.suggestions[0]
    assert result.situations[0] == "complaint_missing_check"
    assert order.id in top.text and order.items[0].product.title in top.text
    assert "外包装" in top.text and "补发" in top.text and "仓库" in top.text
    assert f"order.{order.id}.items" in top.facts


def test_without_an_order_the_item_complaint_asks_for_it_and_still_explains(
        demo_session: Session) -> None:
    result = complain(demo_session, "missing_item", buyer="wuhan-none")
    # what the shop does needs no order: it comes first, the question for the order next
    assert result.situations[:2] == ["complaint_missing_check", "ask_order_id"]
    assert "补发" in result.suggestions[0].text and "订单号" in result.suggestions[1].text


# ---------------------------------------------------------------- courier damage

@pytest.mark.parametrize("shop", SHOPS)
def test_a_parcel_not_yet_signed_for_is_refused(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "shipped_in_transit")
    courier = order.shipments[-1].courier
    result = complain(demo_session, "courier_damage", buyer=f"{shop}-shipped_in_transit",
                      shop=shop, text="快递盒子都压扁了")
    assert result.situations[0] == "complaint_courier_refuse"
    top = result.suggestions[0]
    assert "拒签" in top.text and courier in top.text and order.id in top.text
    assert {"policy.returns.courier_damage", f"order.{order.id}.shipment"} <= set(top.facts)


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["delivered_3_days_ago", "completed_20_days_ago"])
def test_a_signed_parcel_is_photographed_within_the_policy_hours(demo_session: Session,
                                                                  shop: str, state: str) -> None:
    hours = shop_policy(shop).returns.quality_photo_hours
    order = the_order(demo_session, shop, state)
    result = complain(demo_session, "courier_damage", buyer=f"{shop}-{state}", shop=shop)
    assert result.situations[0] == "complaint_courier_signed"
    top = result.suggestions[0]
    assert f"{hours}小时" in top.text and "外包装" in top.text and "拒签" not in top.text
    assert order.shipments[-1].courier in top.text
    assert {"policy.returns.courier_damage", "policy.returns.quality_photo_hours"} <= set(top.facts)


# ---------------------------------------------------------------- service

@pytest.mark.parametrize("state", ["none", "delivered_3_days_ago", "several_open"])
def test_a_service_complaint_is_taken_over_and_reported(demo_session: Session,
                                                        state: str) -> None:
    result = complain(demo_session, "service", buyer=f"wuhan-{state}", text="你们客服态度太差了")
    assert result.situations[:2] == ["complaint_service_takeover", "complaint_service_supervisor"]
    assert "亲自" in result.suggestions[0].text
    assert "主管" in result.suggestions[1].text
    assert "escalate:supervisor" in result.suggestions[1].facts and result.escalate
    assert not {"ask_order_id", "ask_which_order"} & set(result.situations)  # no questions back


# ---------------------------------------------------------------- no sub-topic

def test_an_unclear_complaint_asks_what_happened_with_the_order_facts(
        demo_session: Session) -> None:
    order = the_order(demo_session, "wuhan", "shipped_in_transit")
    result = complain(demo_session, None, buyer="wuhan-shipped_in_transit", text="太差了")
    assert result.situations == ["complaint_ask_what", "complaint_order", "complaint_escalate"]
    assert "什么问题" in result.suggestions[0].text
    assert order.id in result.suggestions[1].text and "卖家已发货" in result.suggestions[1].text


def test_an_unclear_complaint_of_a_buyer_with_two_orders_asks_which(
        demo_session: Session) -> None:
    result = complain(demo_session, None, buyer="wuhan-several_open", text="太差了")
    assert "ask_which_order" in result.situations and "complaint_order" not in result.situations


def test_a_general_long_rant_is_acknowledged_first(demo_session: Session) -> None:
    result = complain(demo_session, None, buyer="wuhan-delivered_3_days_ago", text=RANT)
    assert result.situations[:2] == ["complaint_ack", "complaint_quality"]
    assert "杯盖漏水" in result.suggestions[0].text


# ---------------------------------------------------------------- apology opener

def test_there_are_short_openers_that_end_ready_for_any_answer() -> None:
    openers = for_situation(shop_library("wuhan"), "apology_opener")
    assert len(openers) >= 4
    for p in openers:
        assert p.text.endswith("，") and len(p.text) <= 16 and not p.slots
        assert any(w in p.text for w in APOLOGY) and not FORBIDDEN.search(p.text)


@pytest.mark.parametrize("shop", SHOPS)
def test_an_angry_buyer_gets_the_apology_before_a_plain_answer(demo_session: Session,
                                                               shop: str) -> None:
    openers = [p.text for p in for_situation(shop_library(shop), "apology_opener")]
    result = ask(demo_session, "shipping_query", None, buyer=f"{shop}-paid_not_shipped",
                 shop=shop, text="付了钱怎么还不发货！！")
    top = result.suggestions[0]
    assert result.escalate
    assert any(top.text.startswith(o) for o in openers), top.text
    assert top.text.count("抱歉") + top.text.count("不好意思") == 1  # once, not twice


def test_the_order_states_reach_their_first_answer(demo_session: Session) -> None:
    first = {"none": "complaint_quality", "awaiting_payment": "complaint_not_shipped",
             "paid_not_shipped": "complaint_not_shipped", "paid_overdue": "complaint_not_shipped",
             "shipped_in_transit": "complaint_quality",
             "delivered_3_days_ago": "complaint_quality",
             "completed_20_days_ago": "complaint_quality", "refunding": "refund_in_progress",
             "closed": "refund_closed", "several_open": "ask_which_order"}
    asked = {"none": "ask_order_id"}  # no order: what the shop does first, then asked
    assert set(first) == set(DEMO_STATES)
    for state, name in first.items():
        situations = complain(demo_session, "quality", buyer=f"shanghai-{state}",
                              shop="shanghai").situations
        assert situations[0] == name, state
        if state in asked:
            assert asked[state] in situations, state
    assert OrderStatus(the_order(demo_session, "shanghai", "closed").status) == OrderStatus.closed


def test_only_part_of_the_order_arrived_is_a_missing_item(demo_session: Session) -> None:
    result = complain(demo_session, "quality", buyer="wuhan-delivered_3_days_ago",
                      text="我买了核桃和红枣 打开只有红枣 核桃呢")
    assert "complaint_missing_check" in result.situations[:2]
