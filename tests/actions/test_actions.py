"""Actions tested like rasa-sdk and financial-demo: a Tracker from a JSON fixture,
a CollectingDispatcher, the real domain.yml, exact events and payloads."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa_sdk.events import SlotSet

from actions.bargain import ActionSuggestBargain
from actions.change_order import ActionSuggestChangeOrder
from actions.complaint import ActionSuggestComplaint
from actions.conversation import ActionSuggestConversation
from actions.invoice import ActionSuggestInvoice
from actions.product import ActionSuggestProduct
from actions.refund import ActionSuggestRefund
from actions.shipping import ActionSuggestShipping
from actions.size import ActionSuggestSize
from bot.store.queries import buyer_orders
from bot.store.runtime import sessions
from tests.actions.conftest import run, tracker


def order_of(buyer: str, shop: str = "wuhan") -> str:
    with sessions()() as session:  # type: Session
        return buyer_orders(session, shop, buyer)[0].id


def payload(messages: list) -> Dict[str, Any]:
    assert len(messages) == 1
    return messages[0]["custom"]


def test_every_action_is_declared_in_the_domain(domain: Dict[str, Any]) -> None:
    actions = [ActionSuggestShipping, ActionSuggestRefund, ActionSuggestSize,
               ActionSuggestBargain, ActionSuggestComplaint, ActionSuggestChangeOrder,
               ActionSuggestProduct, ActionSuggestInvoice, ActionSuggestConversation]
    assert sorted(a().name() for a in actions) == sorted(domain["actions"])


def test_shipping_for_a_paid_order(domain: Dict[str, Any]) -> None:
    order_id = order_of("wuhan-paid_not_shipped")
    events, messages = run(ActionSuggestShipping(), tracker(), domain)
    assert events == [SlotSet("order_id", order_id), SlotSet("topic", "shipping_query"),
                      SlotSet("shop_id", "wuhan"), SlotSet("buyer_id", "wuhan-paid_not_shipped")]
    body = payload(messages)
    assert body["situations"] == ["paid_not_shipped"]
    assert body["order_id"] == order_id and body["escalate"] is False
    top = body["suggestions"][0]
    assert top["intent"] == "shipping_query"
    assert top["slots"] == {"order_id": order_id, "ship_eta": "11月24日17:12"}
    assert top["facts"] == [f"order.{order_id}.status", f"order.{order_id}.paid_at",
                            "policy.ship_within_hours"]
    assert order_id in top["text"] and "11月24日17:12" in top["text"]
    assert set(top) == {"id", "text", "phrase_id", "intent", "slots", "facts", "score",
                        "subtopic", "label"}


def test_shipping_without_buyer_or_order_asks_for_the_order_number(
        domain: Dict[str, Any]) -> None:
    t = tracker(metadata={"buyer_id": None})
    events, messages = run(ActionSuggestShipping(), t, domain)
    assert events == [SlotSet("topic", "shipping_query"), SlotSet("shop_id", "wuhan")]
    body = payload(messages)
    assert body["situations"] == ["ask_order_id", "ship_promise"]
    assert body["suggestions"][0]["phrase_id"].startswith("ship.ask_order_id")


def test_unknown_order_number_gets_a_polite_check(domain: Dict[str, Any]) -> None:
    t = tracker(metadata={"buyer_id": None},
                entities=[{"entity": "order_id", "value": "111122223333444455", "start": 0,
                           "end": 18}])
    events, messages = run(ActionSuggestShipping(), t, domain)
    assert events == [SlotSet("topic", "shipping_query"), SlotSet("shop_id", "wuhan")]
    body = payload(messages)
    assert body["situations"] == ["unknown_order"]
    assert body["suggestions"][0]["slots"] == {"order_id": "111122223333444455"}


def test_remembered_order_number_is_reused_without_setting_it_again(
        domain: Dict[str, Any]) -> None:
    order_id = order_of("wuhan-shipped_in_transit")
    t = tracker(intent="refund", metadata={"buyer_id": None},
                slots={"order_id": order_id, "shop_id": "wuhan", "topic": "refund"})
    events, messages = run(ActionSuggestRefund(), t, domain)
    assert events == []
    assert payload(messages)["situations"] == ["refund_shipped", "refund_quality"]


@pytest.mark.parametrize(
    "state, first",
    [("none", "ask_order_id"), ("awaiting_payment", "refund_unpaid_close"),
     ("paid_not_shipped", "refund_paid_not_shipped"), ("shipped_in_transit", "refund_shipped"),
     ("delivered_3_days_ago", "refund_within_no_reason"),
     ("completed_20_days_ago", "refund_outside_no_reason"),
     ("refunding", "refund_in_progress"), ("closed", "refund_closed"),
     ("several_open", "ask_which_order")],
)
def test_refund_path_for_every_order_state(domain: Dict[str, Any], state: str,
                                           first: str) -> None:
    t = tracker(intent="refund", text="我要退货", metadata={"buyer_id": f"wuhan-{state}"})
    _, messages = run(ActionSuggestRefund(), t, domain)
    body = payload(messages)
    assert body["situations"][0] == first
    assert all(s["intent"] == "refund" for s in body["suggestions"])


def test_within_seven_days_names_the_deadline_and_conditions(domain: Dict[str, Any]) -> None:
    t = tracker(intent="refund", metadata={"buyer_id": "shanghai-delivered_3_days_ago",
                                           "shop_id": "shanghai"})
    _, messages = run(ActionSuggestRefund(), t, domain)
    top = payload(messages)["suggestions"][0]
    assert top["slots"]["conditions"] == "吊牌完好、包装完整、不影响二次销售"
    assert "policy.returns.no_reason_days" in top["facts"]


def test_size_asks_for_missing_measurements_then_recommends(domain: Dict[str, Any]) -> None:
    t = tracker(intent="size_query", text="穿什么码", metadata={"buyer_id": "wuhan-none"})
    _, messages = run(ActionSuggestSize(), t, domain)
    assert payload(messages)["situations"] == ["size_ask_measurements"]
    entities = [{"entity": "height", "value": "一米六五", "additional_info": {"cm": 165}},
                {"entity": "weight", "value": "110斤", "additional_info": {"jin": 110}}]
    t = tracker(intent="size_query", entities=entities, metadata={"buyer_id": "wuhan-none"})
    _, messages = run(ActionSuggestSize(), t, domain)
    top = payload(messages)["suggestions"][0]
    assert top["slots"] == {"height": "一米六五", "weight": "110斤", "size": "M",
                            "product": "纯棉家居服套装"}


def test_complaint_is_flagged_for_a_supervisor(domain: Dict[str, Any]) -> None:
    t = tracker(intent="complaint", text="质量太差了我要投诉",
                metadata={"buyer_id": "wuhan-delivered_3_days_ago"})
    _, messages = run(ActionSuggestComplaint(), t, domain)
    body = payload(messages)
    assert body["escalate"] is True
    assert body["situations"] == ["complaint_quality", "complaint_order", "complaint_escalate"]


def test_bargain_holds_the_price_and_offers_the_real_coupon(domain: Dict[str, Any]) -> None:
    t = tracker(intent="bargain", text="能便宜点吗")
    _, messages = run(ActionSuggestBargain(), t, domain)
    body = payload(messages)
    assert body["situations"] == ["hold_price", "coupon", "free_shipping"]
    coupon = next(s for s in body["suggestions"] if "coupon_name" in s["slots"])
    assert coupon["slots"] == {"coupon_name": "店铺券", "coupon_amount": "5元",
                               "coupon_threshold": "99元"}


def test_change_order_depends_on_shipping_state(domain: Dict[str, Any]) -> None:
    for buyer, first in (("wuhan-paid_not_shipped", "change_possible"),
                         ("wuhan-shipped_in_transit", "change_too_late")):
        t = tracker(intent="change_order", metadata={"buyer_id": buyer})
        _, messages = run(ActionSuggestChangeOrder(), t, domain)
        assert payload(messages)["situations"] == [first]


@pytest.mark.parametrize(
    "intent, situation",
    [("greet", "greet_open"), ("goodbye", "goodbye"), ("affirm", "affirm_ack"),
     ("deny", "deny_ack"), ("human_handoff", "handoff"), ("nlu_fallback", "fallback")],
)
def test_conversation_action_follows_the_predicted_intent(domain: Dict[str, Any], intent: str,
                                                          situation: str) -> None:
    _, messages = run(ActionSuggestConversation(), tracker(intent=intent), domain)
    body = payload(messages)
    assert body["situations"] == [situation]
    assert body["suggestions"] and body["suggestions"][0]["intent"] == intent


def test_invoice_and_product(domain: Dict[str, Any]) -> None:
    _, messages = run(ActionSuggestInvoice(), tracker(intent="invoice"), domain)
    assert payload(messages)["situations"] == ["invoice_yes", "invoice_ask_details"]
    # the buyer's order holds one product: that is the one asked about
    _, messages = run(ActionSuggestProduct(), tracker(intent="product_query"), domain)
    assert payload(messages)["situations"][0] == "product_overview"
    assert payload(messages)["context"]["label"] == "商品"
    # a buyer without orders, in a shop of many products, is asked which one
    _, messages = run(ActionSuggestProduct(), tracker(
        intent="product_query", metadata={"buyer_id": "wuhan-none"}), domain)
    assert payload(messages)["situations"] == ["product_ask_which"]


def test_unknown_shop_is_a_clear_error_not_a_crash(domain: Dict[str, Any]) -> None:
    events, messages = run(ActionSuggestShipping(), tracker(metadata={"shop_id": "nowhere"}),
                           domain)
    assert events == []
    assert payload(messages) == {"error": "unknown shop 'nowhere'", "suggestions": []}


def test_a_bare_order_number_answers_the_previous_question(domain: Dict[str, Any]) -> None:
    from bot.dialogue.state import bare_order_reply

    assert bare_order_reply("订单号是2398475610293847561", [
        {"entity": "order_id", "value": "2398475610293847561"}])
    assert not bare_order_reply("2398475610293847561能退吗", [
        {"entity": "order_id", "value": "2398475610293847561"}])
    order_id = order_of("wuhan-paid_not_shipped")
    t = tracker(intent="change_order", text=f"订单号{order_id}",
                entities=[{"entity": "order_id", "value": order_id}],
                metadata={"buyer_id": None}, slots={"topic": "shipping_query"})
    events, messages = run(ActionSuggestChangeOrder(), t, domain)
    assert payload(messages)["situations"] == ["paid_not_shipped"]
    assert SlotSet("order_id", order_id) in events
    assert SlotSet("topic", "change_order") not in events  # still the shipping question


@pytest.mark.parametrize(
    "state, first",
    [("none", "ship_promise"), ("awaiting_payment", "awaiting_payment"),
     ("paid_not_shipped", "paid_not_shipped"), ("paid_overdue", "paid_overdue"),
     ("shipped_in_transit", "shipped"), ("delivered_3_days_ago", "delivered"),
     ("completed_20_days_ago", "delivered"), ("refunding", "delivered"),
     ("closed", "refund_closed"), ("several_open", "ask_which_order")],
)
def test_shipping_path_for_every_order_state(domain: Dict[str, Any], state: str,
                                             first: str) -> None:
    t = tracker(metadata={"buyer_id": f"shanghai-{state}", "shop_id": "shanghai"})
    events, messages = run(ActionSuggestShipping(), t, domain)
    body = payload(messages)
    assert body["situations"][0] == first
    assert body["suggestions"]
    if body["order_id"]:
        assert events[0] == SlotSet("order_id", body["order_id"])


@pytest.mark.parametrize(
    "state, situations",
    [("none", ["ask_order_id"]), ("awaiting_payment", ["change_possible"]),
     ("paid_not_shipped", ["change_possible"]), ("paid_overdue", ["change_possible"]),
     ("shipped_in_transit", ["change_too_late"]), ("delivered_3_days_ago", ["change_too_late"]),
     ("completed_20_days_ago", ["change_too_late"]), ("refunding", ["refund_in_progress"]),
     ("closed", ["refund_closed"]), ("several_open", ["ask_which_order"])],
)
def test_change_order_and_complaint_for_every_order_state(domain: Dict[str, Any], state: str,
                                                          situations: list) -> None:
    metadata = {"buyer_id": f"wuhan-{state}"}
    _, messages = run(ActionSuggestChangeOrder(), tracker(intent="change_order",
                                                          metadata=metadata), domain)
    assert payload(messages)["situations"] == situations
    _, messages = run(ActionSuggestComplaint(), tracker(intent="complaint", text="太差了",
                                                        metadata=metadata), domain)
    body = payload(messages)
    assert body["escalate"] is True
    has_order = state not in ("none", "several_open")
    assert ("complaint_order" in body["situations"]) is has_order
