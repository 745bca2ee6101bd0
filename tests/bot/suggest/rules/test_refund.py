"""Refund sub-topics over the demo buyers of both shops: each answer states what an agent
would check (the return deadline computed from the store, who pays the postage, the
after-sales case as stored), names where it comes from, and says nothing it must not
(a quality problem never costs the buyer the postage, an unpaid order is not returned)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Callable, List, Optional
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy.orm import Session

from bot.phrases import PHRASES_DIR, SITUATIONS, for_situation, render, shop_library
from bot.policy import ShopPolicy, shop_policy
from bot.store.demo import DEMO_STATES
from bot.store.models import AfterSale, AfterSaleKind, AfterSaleStatus, Order, OrderStatus
from bot.store.queries import buyer_orders, shop_products
from bot.suggest.context import OrderLookup, Situation, Turn, aware
from bot.suggest.engine import SuggestionSet
from bot.suggest.rules import refund
from tests.bot.store.conftest import NOW
from tests.bot.suggest.rules.conftest import ask, texts

SHOPS = ["wuhan", "shanghai"]
SUBTOPICS = ["how", "eligibility", "return_postage", "cancel", "status", "refuse_delivery",
             "shipping_fee_refund"]
ZONE = ZoneInfo("Asia/Shanghai")
FORBIDDEN = re.compile(r"\{[^{}]*\}|(?<!\d)1[3-9]\d{9}(?!\d)|微信|VX|vx|QQ|qq"
                       r"|最|第一|100%|顶级|国家级|绝对|保证|一定")
BUYER_PAYS = re.compile(r"需要您承担|由您承担|您来出|买家承担|您自己承担|(?<!不用)(?<!不需要)您出运费")
SHOP_PAYS = re.compile(r"由我们承担|我们来出|我们来承担|不用您出|不需要您出")
RETURN_TALK = re.compile(r"退货|寄回|拒收|拒签|快递单号")
FAULT_REASONS = ["quality", "wrong_item", "courier_damage"]
REFUND_RULE_FILE = PHRASES_DIR / "refund.yml"


def refund_ask(session: Session, subtopic: Optional[str], state: Optional[str] = None,
               shop: str = "wuhan", **kw) -> SuggestionSet:  # type: ignore[no-untyped-def]
    return ask(session, "refund", subtopic, buyer=f"{shop}-{state}" if state else None,
               shop=shop, **kw)


def the_order(session: Session, shop: str, state: str) -> Order:
    [order] = buyer_orders(session, shop, f"{shop}-{state}")
    return order


def local(value: dt.datetime) -> str:
    t = aware(value).astimezone(ZONE)  # type: ignore[union-attr]
    return f"{t.month}月{t.day}日{t:%H:%M}"


def deadline(order: Order, days: int) -> str:
    """签收 + 七天, in shop time: what the agent would work out from the order."""
    received = order.delivered_at or order.shipments[-1].delivered_at or order.completed_at
    return local(aware(received) + dt.timedelta(days=days))  # type: ignore[operator]


def yuan(value: Decimal) -> str:
    text = f"{Decimal(value):.2f}"
    return (text[:-3] if text.endswith(".00") else text) + "元"


def all_facts(result: SuggestionSet) -> List[str]:
    return [f for s in result.suggestions for f in s.facts]


def store_order(session: Session, shop: str, test: Callable[[Order], bool], what: str) -> Order:
    """An order of the demo store that fits the case (its own facts are then checked)."""
    orders = session.query(Order).filter(Order.shop_id == shop).order_by(Order.id).all()
    found = next((o for o in orders if test(o)), None)
    if found is None:
        pytest.fail(f"the demo store of {shop} has no {what}")
    return found


def no_reason_days(shop: str) -> int:
    return shop_policy(shop).returns.no_reason_days


def variant(shop: str, **returns: object) -> ShopPolicy:
    policy = shop_policy(shop)
    return policy.copy(update={"returns": policy.returns.copy(update=returns)})


def call(rule, session: Session, policy: ShopPolicy, order: Order,  # type: ignore[no-untyped-def]
         reason: Optional[str] = None, text: str = "") -> List[Situation]:
    turn = Turn(shop_id=policy.shop_id, intent="refund", text=text, now=NOW, reason=reason)
    return rule(session, policy, turn, OrderLookup(order=order))


def rendered(shop: str, situation: Situation) -> List[str]:
    out = []
    for phrase in for_situation(shop_library(shop), situation.name, "refund"):
        r = render(phrase, situation.values)
        assert r is not None, (phrase.id, situation.values)
        out.append(r.text)
    return out


# ---------------------------------------------------------------- every sub-topic, every buyer

@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("subtopic", SUBTOPICS)
def test_every_subtopic_answers_every_demo_buyer(demo_session: Session, shop: str,
                                                 subtopic: str) -> None:
    for state in DEMO_STATES:
        for reason in (None, "quality"):
            result = refund_ask(demo_session, subtopic, state, shop, reason=reason)
            assert 1 <= len(result.suggestions) <= 3, (state, reason, result.situations)
            assert "fallback" not in result.situations, (state, reason)
            for s in result.suggestions:
                assert s.intent == "refund" and s.subtopic == subtopic
                assert not FORBIDDEN.search(s.text), (s.phrase_id, s.text)


# ---------------------------------------------------------------- how

@pytest.mark.parametrize("shop", SHOPS)
def test_how_unpaid_order_is_just_closed(demo_session: Session, shop: str) -> None:
    result = refund_ask(demo_session, "how", "awaiting_payment", shop)
    assert result.situations == ["refund_unpaid_close"]
    assert the_order(demo_session, shop, "awaiting_payment").id in texts(result)[0]
    assert not any(RETURN_TALK.search(t) for t in texts(result)), texts(result)


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["paid_not_shipped", "paid_overdue"])
def test_how_paid_order_is_refund_only_without_a_return(demo_session: Session, shop: str,
                                                        state: str) -> None:
    result = refund_ask(demo_session, "how", state, shop)
    assert result.situations == ["refund_how_not_shipped"]
    top = texts(result)[0]
    assert "仅退款" in top and "不需要寄回" in top
    assert "退货退款" not in top and "快递单号" not in top


@pytest.mark.parametrize("shop", SHOPS)
def test_how_in_transit_is_refuse_or_return_with_the_real_courier(demo_session: Session,
                                                                  shop: str) -> None:
    order = the_order(demo_session, shop, "shipped_in_transit")
    result = refund_ask(demo_session, "how", "shipped_in_transit", shop)
    assert result.situations == ["refund_how_in_transit"]
    top = texts(result)[0]
    assert order.shipments[-1].courier in top and "拒收" in top and "退货退款" in top
    assert f"order.{order.id}.shipment.courier" in result.suggestions[0].facts


@pytest.mark.parametrize("shop", SHOPS)
def test_how_delivered_order_gives_the_steps_and_the_deadline(demo_session: Session,
                                                              shop: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    result = refund_ask(demo_session, "how", "delivered_3_days_ago", shop)
    assert result.situations[0] == "refund_how_return"
    top = result.suggestions[0]
    assert top.slots["return_deadline"] == deadline(order, no_reason_days(shop))
    assert top.slots["return_deadline"] in top.text
    assert "退货退款" in top.text and "快递单号" in top.text
    for condition in shop_policy(shop).returns.no_reason_conditions:
        assert condition in top.text
    assert f"order.{order.id}.delivered_at" in top.facts
    assert "policy.returns.no_reason_days" in top.facts


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["delivered_3_days_ago", "completed_20_days_ago"])
@pytest.mark.parametrize("reason", FAULT_REASONS)
def test_how_after_a_complaint_takes_the_quality_path(demo_session: Session, shop: str,
                                                      state: str, reason: str) -> None:
    hours = shop_policy(shop).returns.quality_photo_hours
    result = refund_ask(demo_session, "how", state, shop, reason=reason)
    assert result.situations == ["refund_fault_return"]
    for s in result.suggestions:
        assert f"{hours}小时" in s.text and SHOP_PAYS.search(s.text), s.text
        assert not BUYER_PAYS.search(s.text), s.text
        assert "turn.reason" in s.facts and "policy.returns.quality_postage" in s.facts


@pytest.mark.parametrize("shop", SHOPS)
def test_how_outside_seven_days_ends_no_reason_but_keeps_quality(demo_session: Session,
                                                                 shop: str) -> None:
    result = refund_ask(demo_session, "how", "completed_20_days_ago", shop)
    assert result.situations == ["refund_outside_no_reason", "refund_quality"]
    assert f"{no_reason_days(shop)}天" in texts(result)[0]


@pytest.mark.parametrize("shop", SHOPS)
def test_how_refunding_order_is_already_in_progress(demo_session: Session, shop: str) -> None:
    result = refund_ask(demo_session, "how", "refunding", shop)
    assert result.situations == ["refund_in_progress", "refund_status_requested"]
    assert "不用重复申请" in " ".join(texts(result))


@pytest.mark.parametrize("shop", SHOPS)
def test_how_closed_order_says_it_is_closed(demo_session: Session, shop: str) -> None:
    assert refund_ask(demo_session, "how", "closed", shop).situations == ["refund_closed"]


# ---------------------------------------------------------------- eligibility

@pytest.mark.parametrize("shop", SHOPS)
def test_eligible_within_seven_days_until_the_stored_deadline(demo_session: Session,
                                                              shop: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    result = refund_ask(demo_session, "eligibility", "delivered_3_days_ago", shop)
    assert result.situations[0] == "refund_within_no_reason"
    top = result.suggestions[0]
    assert top.slots["return_deadline"] == deadline(order, no_reason_days(shop))
    assert top.slots["conditions"] == "、".join(shop_policy(shop).returns.no_reason_conditions)


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("text, said", [("吊牌剪了还能退吗", "吊牌已剪"),
                                        ("衣服穿过一次了可以退吗", "已穿过"),
                                        ("洗过了还能七天无理由吗", "已洗过")])
def test_cut_tags_worn_or_washed_do_not_meet_the_conditions(demo_session: Session, shop: str,
                                                           text: str, said: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    result = refund_ask(demo_session, "eligibility", "delivered_3_days_ago", shop, text=text)
    assert result.situations[0] == "refund_not_resaleable"
    top = texts(result)[0]
    assert said in top and "不影响二次销售" in top
    assert deadline(order, no_reason_days(shop)) not in " ".join(texts(result))
    assert "turn.text" in result.suggestions[0].facts


def test_opened_food_is_not_returnable_without_reason_as_the_store_says(
        demo_session: Session) -> None:
    ruled = [p for p in shop_products(demo_session, "wuhan")
             if p.notes and "拆封后不支持七天无理由" in p.notes]
    assert ruled, "no product of the wuhan store says opened goods are not returnable"
    product = ruled[0]
    result = refund_ask(demo_session, "eligibility", "delivered_3_days_ago",
                        text="拆封了还能退吗", item_id=product.item_no)
    assert result.situations == ["refund_opened_not_returnable"]
    assert product.title in texts(result)[0] and "质量问题" in texts(result)[0]
    assert f"product.{product.item_no}.notes" in result.suggestions[0].facts
    assert not result.escalate


def test_opened_goods_the_store_says_nothing_about_are_checked_by_a_supervisor(
        demo_session: Session) -> None:
    silent = [p for p in shop_products(demo_session, "wuhan")
              if not (p.notes and "拆封" in p.notes)]
    assert silent
    result = refund_ask(demo_session, "eligibility", "delivered_3_days_ago",
                        text="包装拆封了能退吗", item_id=silent[0].item_no)
    assert result.situations == ["refund_condition_check"]
    assert result.escalate and "escalate:supervisor" in all_facts(result)
    assert not any("不支持" in t or "可以退" in t for t in texts(result))


@pytest.mark.parametrize("shop", SHOPS)
def test_outside_seven_days_no_reason_is_over(demo_session: Session, shop: str) -> None:
    result = refund_ask(demo_session, "eligibility", "completed_20_days_ago", shop)
    assert result.situations == ["refund_outside_no_reason", "refund_quality"]
    assert f"{no_reason_days(shop)}天" in texts(result)[0]


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["delivered_3_days_ago", "completed_20_days_ago"])
def test_a_quality_problem_is_eligible_even_with_cut_tags_or_late(demo_session: Session,
                                                                  shop: str, state: str) -> None:
    result = refund_ask(demo_session, "eligibility", state, shop, reason="quality",
                        text="吊牌剪了还能退吗")
    assert result.situations == ["refund_fault_yes"]
    assert all(not BUYER_PAYS.search(t) for t in texts(result))


@pytest.mark.parametrize("shop", SHOPS)
def test_eligible_in_transit_by_refusing_or_returning(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "shipped_in_transit")
    result = refund_ask(demo_session, "eligibility", "shipped_in_transit", shop)
    assert result.situations == ["refund_eligible_in_transit"]
    assert order.shipments[-1].courier in texts(result)[0] and "拒收" in texts(result)[0]


def test_eligibility_without_an_order_asks_for_it_and_tells_the_rule(
        demo_session: Session) -> None:
    result = refund_ask(demo_session, "eligibility", None)
    assert result.situations == ["refund_policy_no_reason", "ask_order_id"]
    # the rule first (it needs no order), the question for the order next
    assert "7天" in result.suggestions[0].text
    assert any(s.phrase_id.startswith("refund.ask_order_id") for s in result.suggestions[1:])


# ---------------------------------------------------------------- return postage

@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["delivered_3_days_ago", "completed_20_days_ago", None])
@pytest.mark.parametrize("reason", FAULT_REASONS)
def test_shop_pays_the_return_postage_of_its_own_fault(demo_session: Session, shop: str,
                                                       state: Optional[str],
                                                       reason: str) -> None:
    result = refund_ask(demo_session, "return_postage", state, shop, reason=reason)
    assert result.situations[0] == "return_postage_fault"
    assert SHOP_PAYS.search(texts(result)[0])
    assert not any(BUYER_PAYS.search(t) for t in texts(result)), texts(result)
    assert "policy.returns.quality_postage" in result.suggestions[0].facts


@pytest.mark.parametrize("shop", SHOPS)
def test_stored_quality_case_means_the_shop_pays(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "refunding")
    case = order.after_sales[-1]
    assert case.quality_issue  # the demo refund is for a quality problem
    result = refund_ask(demo_session, "return_postage", "refunding", shop)
    assert result.situations == ["return_postage_fault"]
    assert not any(BUYER_PAYS.search(t) for t in texts(result))
    assert f"order.{order.id}.after_sales.{case.id}.quality_issue" in all_facts(result)


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["delivered_3_days_ago", "shipped_in_transit", None])
def test_no_reason_return_postage_is_the_buyers_or_the_insurance(
        demo_session: Session, shop: str, state: Optional[str]) -> None:
    assert shop_policy(shop).returns.shipping_insurance == "buyer_optional"
    result = refund_ask(demo_session, "return_postage", state, shop)
    assert result.situations[0] == "return_postage_insured"
    top = result.suggestions[0]
    assert BUYER_PAYS.search(top.text) and "运费险" in top.text and "平台规则" in top.text
    assert not SHOP_PAYS.search(top.text)
    assert {"policy.returns.no_reason_postage", "policy.returns.shipping_insurance"} <= set(
        top.facts)
    # the shop pays only where the phrase says it is a quality problem
    for t in texts(result):
        assert not SHOP_PAYS.search(t) or "质量问题" in t, t


@pytest.mark.parametrize("shop", SHOPS)
def test_no_reason_postage_after_seven_days_is_not_offered(demo_session: Session,
                                                           shop: str) -> None:
    result = refund_ask(demo_session, "return_postage", "completed_20_days_ago", shop)
    assert result.situations == ["refund_outside_no_reason", "return_postage_fault"]
    for t in texts(result):
        assert not SHOP_PAYS.search(t) or "质量问题" in t, t


@pytest.mark.parametrize("shop", SHOPS)
def test_no_return_postage_for_an_order_not_shipped(demo_session: Session, shop: str) -> None:
    result = refund_ask(demo_session, "return_postage", "paid_not_shipped", shop)
    assert result.situations == ["refund_how_not_shipped"]
    assert "不需要寄回" in texts(result)[0]


@pytest.mark.parametrize("insurance, name", [("buyer_optional", "return_postage_insured"),
                                             ("shop_gives", "return_postage_shop_insured"),
                                             ("none", "return_postage_no_reason")])
def test_return_postage_follows_the_shipping_insurance_policy(demo_session: Session,
                                                              insurance: str, name: str) -> None:
    order = the_order(demo_session, "wuhan", "delivered_3_days_ago")
    situations = call(refund.return_postage, demo_session,
                      variant("wuhan", shipping_insurance=insurance), order)
    assert situations[0].name == name
    phrases = rendered("wuhan", situations[0])
    assert len(phrases) >= 2
    for t in phrases:
        assert ("运费险" in t) == (insurance != "none"), t
        assert not SHOP_PAYS.search(t), t


def test_the_shop_pays_a_no_reason_return_only_when_its_policy_says_so(
        demo_session: Session) -> None:
    order = the_order(demo_session, "wuhan", "delivered_3_days_ago")
    [first, *_] = call(refund.return_postage, demo_session,
                       variant("wuhan", no_reason_postage="seller"), order)
    assert first.name == "return_postage_shop"
    assert all(SHOP_PAYS.search(t) for t in rendered("wuhan", first))


def test_a_policy_that_charges_quality_returns_is_checked_not_guessed(
        demo_session: Session) -> None:
    order = the_order(demo_session, "wuhan", "delivered_3_days_ago")
    situations = call(refund.return_postage, demo_session,
                      variant("wuhan", quality_postage="buyer"), order, reason="quality")
    assert [s.name for s in situations] == ["refund_case_check"]
    assert "escalate:supervisor" in situations[0].facts


def test_a_missing_item_has_no_postage_rule_and_is_checked(demo_session: Session) -> None:
    result = refund_ask(demo_session, "return_postage", "delivered_3_days_ago",
                        reason="missing_item")
    assert result.situations == ["refund_case_check"] and result.escalate
    assert not any(BUYER_PAYS.search(t) for t in texts(result))


# ---------------------------------------------------------------- cancel

@pytest.mark.parametrize("shop", SHOPS)
def test_cancel_unpaid_order_needs_no_return(demo_session: Session, shop: str) -> None:
    result = refund_ask(demo_session, "cancel", "awaiting_payment", shop)
    assert result.situations == ["refund_unpaid_close"]
    assert "取消" in texts(result)[0]
    assert not any(RETURN_TALK.search(t) for t in texts(result)), texts(result)


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["paid_not_shipped", "paid_overdue"])
def test_cancel_paid_order_is_refund_only_and_intercepted(demo_session: Session, shop: str,
                                                          state: str) -> None:
    result = refund_ask(demo_session, "cancel", state, shop)
    assert result.situations == ["cancel_paid"]
    assert all("仅退款" in t and "拦截" in t for t in texts(result))
    assert not any(re.search(r"退货|寄回|拒收", t) for t in texts(result))


@pytest.mark.parametrize("shop", SHOPS)
def test_cancel_shipped_order_is_too_late(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "shipped_in_transit")
    result = refund_ask(demo_session, "cancel", "shipped_in_transit", shop)
    assert result.situations == ["cancel_shipped"]
    for t in texts(result):
        assert order.shipments[-1].courier in t and "拒收" in t
        assert re.search(r"没办法直接取消|取消不了", t), t


@pytest.mark.parametrize("shop", SHOPS)
def test_cancel_delivered_order_is_a_return_until_the_deadline(demo_session: Session,
                                                               shop: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    result = refund_ask(demo_session, "cancel", "delivered_3_days_ago", shop)
    assert result.situations == ["cancel_received"]
    assert deadline(order, no_reason_days(shop)) in texts(result)[0]


# ---------------------------------------------------------------- status

@pytest.mark.parametrize("shop", SHOPS)
def test_status_of_a_refunding_order_is_its_stored_case(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "refunding")
    case = order.after_sales[-1]
    result = refund_ask(demo_session, "status", "refunding", shop)
    assert result.situations == ["refund_status_requested"]
    top = result.suggestions[0]
    assert top.slots["applied_at"] == local(case.created_at)
    assert top.slots["after_sale"] == f"退货退款（{case.reason}）"
    assert "以平台退款进度为准" in top.text
    assert f"order.{order.id}.after_sales.{case.id}.status" in top.facts


@pytest.mark.parametrize("shop", SHOPS)
def test_status_of_a_closed_order_is_the_refunded_amount(demo_session: Session,
                                                         shop: str) -> None:
    case = the_order(demo_session, shop, "closed").after_sales[-1]
    result = refund_ask(demo_session, "status", "closed", shop)
    assert result.situations == ["refund_status_refunded"]
    assert yuan(case.amount) in texts(result)[0]


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("state", ["awaiting_payment", "paid_not_shipped", "shipped_in_transit",
                                   "delivered_3_days_ago", "completed_20_days_ago"])
def test_status_without_a_case_is_no_refund_in_progress(demo_session: Session, shop: str,
                                                        state: str) -> None:
    order = the_order(demo_session, shop, state)
    result = refund_ask(demo_session, "status", state, shop)
    assert result.situations == ["refund_status_none"]
    assert OrderStatus(order.status).label in texts(result)[0]
    assert re.search(r"没有(退款申请|进行中的退款)", texts(result)[0])


@pytest.mark.parametrize("kind, state, name", [
    (AfterSaleKind.return_refund, AfterSaleStatus.agreed, "refund_status_send_back"),
    (AfterSaleKind.exchange, AfterSaleStatus.agreed, "refund_status_send_back"),
    (AfterSaleKind.refund_only, AfterSaleStatus.agreed, "refund_status_approved"),
    (AfterSaleKind.return_refund, AfterSaleStatus.goods_returned, "refund_status_goods_returned"),
    (AfterSaleKind.return_refund, AfterSaleStatus.rejected, "refund_status_ended"),
    (AfterSaleKind.refund_only, AfterSaleStatus.closed, "refund_status_ended"),
])
def test_status_follows_every_after_sale_state(demo_session: Session, kind: AfterSaleKind,
                                               state: AfterSaleStatus, name: str) -> None:
    order = Order(id="900000000000000001", shop_id="wuhan", buyer_id="nobody",
                  status=OrderStatus.refunding, created_at=NOW - dt.timedelta(days=5),
                  total=Decimal("88.00"), postage=Decimal("0"))
    order.after_sales = [AfterSale(id=7, kind=kind, status=state, reason="尺码不合适",
                                   quality_issue=0, amount=Decimal("88.00"),
                                   created_at=NOW - dt.timedelta(days=1))]
    [situation] = call(refund.status, demo_session, shop_policy("wuhan"), order)
    assert situation.name == name
    assert f"order.{order.id}.after_sales.7.status" in situation.facts
    phrases = rendered("wuhan", situation)
    if name == "refund_status_ended":
        label = "已拒绝" if state == AfterSaleStatus.rejected else "已关闭"
        assert all(label in t for t in phrases)
    if name in ("refund_status_send_back",):
        assert all("快递单号" in t for t in phrases)


# ---------------------------------------------------------------- refuse delivery

@pytest.mark.parametrize("shop", SHOPS)
def test_refuse_in_transit_with_the_postage_of_a_no_reason_return(demo_session: Session,
                                                                  shop: str) -> None:
    order = the_order(demo_session, shop, "shipped_in_transit")
    result = refund_ask(demo_session, "refuse_delivery", "shipped_in_transit", shop)
    assert result.situations == ["refuse_in_transit", "refuse_postage_buyer"]
    assert order.shipments[-1].courier in texts(result)[0] and "拒收" in texts(result)[0]
    assert "退款" in texts(result)[0]
    assert any(BUYER_PAYS.search(t) and "非质量问题" in t for t in texts(result))


@pytest.mark.parametrize("shop", SHOPS)
def test_refuse_a_damaged_parcel_costs_the_buyer_nothing(demo_session: Session,
                                                         shop: str) -> None:
    result = refund_ask(demo_session, "refuse_delivery", "shipped_in_transit", shop,
                        reason="courier_damage")
    assert result.situations == ["refuse_courier_damage"]
    assert all("拒签" in t for t in texts(result))
    assert not any(BUYER_PAYS.search(t) for t in texts(result))
    assert "policy.returns.courier_damage" in result.suggestions[0].facts


@pytest.mark.parametrize("shop", SHOPS)
def test_refuse_for_a_quality_problem_the_shop_pays(demo_session: Session, shop: str) -> None:
    result = refund_ask(demo_session, "refuse_delivery", "shipped_in_transit", shop,
                        reason="quality")
    assert result.situations == ["refuse_in_transit", "refuse_postage_shop"]
    assert not any(BUYER_PAYS.search(t) for t in texts(result))


@pytest.mark.parametrize("shop", SHOPS)
def test_refuse_after_delivery_is_too_late(demo_session: Session, shop: str) -> None:
    order = the_order(demo_session, shop, "delivered_3_days_ago")
    result = refund_ask(demo_session, "refuse_delivery", "delivered_3_days_ago", shop)
    assert result.situations[0] == "refuse_too_late"
    top = texts(result)[0]
    assert re.search(r"没办法拒收|拒收来不及", top)
    assert deadline(order, no_reason_days(shop)) in top


@pytest.mark.parametrize("shop", SHOPS)
def test_refuse_before_shipping_is_refund_only(demo_session: Session, shop: str) -> None:
    result = refund_ask(demo_session, "refuse_delivery", "paid_not_shipped", shop)
    assert result.situations == ["refuse_not_shipped"]
    assert all("仅退款" in t for t in texts(result))


# ---------------------------------------------------------------- the order's postage

def _no_case(o: Order) -> bool:
    return not o.after_sales


@pytest.mark.parametrize("shop", SHOPS)
def test_not_shipped_refund_includes_the_postage(demo_session: Session, shop: str) -> None:
    order = store_order(demo_session, shop, lambda o: o.status == OrderStatus.paid
                        and o.postage > 0, "paid order with postage")
    result = refund_ask(demo_session, "shipping_fee_refund", None, shop, order_id=order.id)
    assert result.situations == ["postage_refund_not_shipped"]
    assert yuan(order.postage) in texts(result)[0]
    assert {f"order.{order.id}.postage", "policy.returns.original_postage.not_shipped"} <= set(
        result.suggestions[0].facts)


@pytest.mark.parametrize("shop", SHOPS)
def test_free_shipping_order_paid_no_postage(demo_session: Session, shop: str) -> None:
    order = store_order(demo_session, shop, lambda o: o.status == OrderStatus.paid
                        and o.postage == 0, "paid order shipped free")
    result = refund_ask(demo_session, "shipping_fee_refund", None, shop, order_id=order.id)
    assert result.situations[0] == "postage_none_paid"
    assert "包邮" in texts(result)[0]


def _received_within(o: Order) -> bool:
    received = o.delivered_at or o.completed_at
    return (o.status in (OrderStatus.shipped, OrderStatus.completed) and received is not None
            and aware(received) + dt.timedelta(days=7) > NOW and o.postage > 0 and _no_case(o))


@pytest.mark.parametrize("shop", SHOPS)
def test_no_reason_return_keeps_the_postage_quality_refunds_it(demo_session: Session,
                                                               shop: str) -> None:
    assert not shop_policy(shop).returns.original_postage.no_reason
    order = store_order(demo_session, shop, _received_within, "received order with postage")
    result = refund_ask(demo_session, "shipping_fee_refund", None, shop, order_id=order.id)
    assert result.situations == ["postage_kept_no_reason", "postage_refund_fault"]
    top = texts(result)[0]
    assert yuan(order.postage) in top and "不退" in top
    assert "policy.returns.original_postage.no_reason" in result.suggestions[0].facts
    quality = refund_ask(demo_session, "shipping_fee_refund", None, shop, order_id=order.id,
                         reason="quality")
    assert quality.situations == ["postage_refund_fault"]
    assert all(yuan(order.postage) in t and "不退" not in t for t in texts(quality))


def test_postage_refund_follows_the_original_postage_policy(demo_session: Session) -> None:
    order = store_order(demo_session, "wuhan", _received_within, "received order with postage")
    policy = variant("wuhan", original_postage=shop_policy("wuhan").returns.original_postage.copy(
        update={"no_reason": True}))
    assert call(refund.shipping_fee_refund, demo_session, policy, order)[0].name == \
        "postage_refund_no_reason"


# ---------------------------------------------------------------- general, with a reason

@pytest.mark.parametrize("shop", SHOPS)
def test_general_answer_puts_an_earlier_quality_complaint_first(demo_session: Session,
                                                                shop: str) -> None:
    plain = refund_ask(demo_session, None, "delivered_3_days_ago", shop)
    assert plain.situations[0] == "refund_within_no_reason"
    result = refund_ask(demo_session, None, "delivered_3_days_ago", shop, reason="quality")
    assert result.situations == ["refund_fault_return", "refund_within_no_reason"]
    assert SHOP_PAYS.search(texts(result)[0]) and not BUYER_PAYS.search(texts(result)[0])


@pytest.mark.parametrize("shop", SHOPS)
def test_general_answer_refuses_a_damaged_parcel_on_its_way(demo_session: Session,
                                                            shop: str) -> None:
    result = refund_ask(demo_session, None, "shipped_in_transit", shop, reason="courier_damage")
    assert result.situations[0] == "refuse_courier_damage"


def test_a_reason_that_is_not_the_shops_fault_changes_nothing(demo_session: Session) -> None:
    plain = refund_ask(demo_session, None, "delivered_3_days_ago")
    other = refund_ask(demo_session, None, "delivered_3_days_ago", reason="service")
    assert other.situations == plain.situations


# ---------------------------------------------------------------- the phrase file

def test_refund_phrase_file_declares_and_phrases_every_situation_twice() -> None:
    data = yaml.safe_load(Path(REFUND_RULE_FILE).read_text(encoding="utf-8"))
    declared = set(data["situations"])
    assert not declared & set(SITUATIONS), "a built-in situation is declared again"
    counts = {name: 0 for name in declared}
    for phrase in data["phrases"]:
        assert phrase["intent"] == "refund" and phrase["id"].startswith("refund.")
        assert phrase["situation"] in declared | set(SITUATIONS), phrase["id"]
        counts[phrase["situation"]] = counts.get(phrase["situation"], 0) + 1
        text = phrase["text"]
        assert not re.search(r"微信|QQ|qq|电话|最|第一|100%|保证|一定", text), phrase["id"]
        assert re.search(r"亲|您", text) and re.search(r"哦|呢|呀|啦|~", text), phrase["id"]
    assert {n: c for n, c in counts.items() if c < 2} == {}


def test_refusing_a_damaged_parcel_is_answered_before_there_is_an_order(
        demo_session: Session) -> None:
    result = refund_ask(demo_session, "refuse_delivery", None, text="收到要是压坏了能拒收不")
    top = result.suggestions[0]
    assert "拒签" in top.text and "policy.returns.courier_damage" in top.facts
    assert "ask_order_id" in result.situations


def test_how_to_return_before_there_is_an_order_gives_the_steps(demo_session: Session) -> None:
    result = refund_ask(demo_session, "how", None)
    top = result.suggestions[0]
    assert "申请售后" in top.text and "7天" in top.text


def test_an_exchange_asked_as_how_to_return_gets_the_exchange(demo_session: Session) -> None:
    result = refund_ask(demo_session, "how", "delivered_3_days_ago", shop="shanghai",
                        text="那换大一码怎么弄")
    top = result.suggestions[0]
    assert result.situations[0] == "change_sku_exchange" and "换" in top.text
    assert "您承担" in top.text  # no fault named: the buyer pays as for a no-reason return
    quality = refund_ask(demo_session, "how", "delivered_3_days_ago", shop="shanghai",
                         text="我想换个新的 不退", reason="quality")
    assert "我们承担" in quality.suggestions[0].text


def test_opened_goods_before_an_order_follow_the_items_own_rule(demo_session: Session) -> None:
    ruled = next(p for p in shop_products(demo_session, "shanghai")
                 if p.notes and "拆封后不支持七天无理由" in p.notes)
    result = refund_ask(demo_session, "eligibility", None, shop="shanghai", text="开封了还能退吗",
                        item_id=ruled.item_no)
    assert result.situations[0] == "refund_opened_not_returnable"
    assert ruled.title in result.suggestions[0].text


def test_a_return_the_buyer_calls_no_fault_is_not_offered_the_quality_path(
        demo_session: Session) -> None:
    result = refund_ask(demo_session, "return_postage", "delivered_3_days_ago",
                        text="不想要了 退回去运费谁出")
    assert all("我们承担" not in t for t in texts(result))
    assert result.situations == ["return_postage_insured"]  # the buyer pays, 运费险 may
