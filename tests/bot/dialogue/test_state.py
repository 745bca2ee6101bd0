"""The one turn builder: a bare order number continues the last question; what a turn
changes in the conversation's state."""

from __future__ import annotations

from bot.dialogue.state import build_turn, changed_slots, empty_slots

ORDER = "2398475610293847561"


def message(text: str, intent: str, **meta: str) -> dict:
    entities = [{"entity": "order_id", "value": ORDER}] if ORDER in text else []
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities,
            "metadata": {"shop_id": "wuhan", **meta}}


def test_a_bare_order_number_continues_the_topic() -> None:
    slots = {**empty_slots(), "topic": "refund"}
    assert build_turn(message(f"订单号是{ORDER}", "change_order"), slots).intent == "refund"
    # a question of its own is not a bare number
    assert build_turn(message(f"{ORDER}能改地址吗", "change_order"), slots).intent == "change_order"
    # no topic yet: the NLU's intent stands
    assert build_turn(message(ORDER, "change_order"), empty_slots()).intent == "change_order"


def test_greetings_do_not_replace_the_topic_but_questions_do() -> None:
    slots = {**empty_slots(), "topic": "shipping_query", "shop_id": "wuhan"}
    greet = build_turn(message("在吗", "greet"), slots)
    assert "topic" not in changed_slots(slots, greet, None)
    refund = build_turn(message("我要退货", "refund", buyer_id="b1"), slots)
    assert changed_slots(slots, refund, "O1") == {"order_id": "O1", "topic": "refund",
                                                  "buyer_id": "b1"}


def test_metadata_wins_over_remembered_shop_and_buyer() -> None:
    slots = {**empty_slots(), "shop_id": "shanghai", "buyer_id": "old", "order_id": "O9"}
    turn = build_turn(message("在吗", "greet", buyer_id="new"), slots)
    assert (turn.shop_id, turn.buyer_id, turn.order_id) == ("wuhan", "new", "O9")


def test_the_runner_up_sub_topic_is_the_classifiers_second_when_close() -> None:
    from bot.dialogue.state import runner_up

    ranked = {"shipping_query": {"name": "dispatch_time", "confidence": 0.6, "ranking": [
        {"name": "dispatch_time", "confidence": 0.6}, {"name": "urge", "confidence": 0.3},
        {"name": "fee", "confidence": 0.05}]}}
    assert runner_up(ranked, "shipping_query", "dispatch_time") == "urge"
    assert runner_up(ranked, "shipping_query", "urge") == "dispatch_time"
    far = {"shipping_query": {"ranking": [{"name": "fee", "confidence": 0.95},
                                          {"name": "urge", "confidence": 0.03}]}}
    assert runner_up(far, "shipping_query", "fee") is None
