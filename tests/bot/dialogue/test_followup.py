"""Follow-ups continue the previous turn's topic with the new entities merged; the
context ends when the buyer changes the subject."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.dialogue.state import build_turn, changed_slots, empty_slots


def parse(text: str, intent: str, confidence: float, entities: Optional[List[Dict]] = None,
          ranking: Optional[List[tuple]] = None,
          subtopics: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    ranked = ranking or [(intent, confidence)]
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranked],
            "entities": entities or [],
            "subtopics": {i: {"name": s, "confidence": 0.8} for i, s in (subtopics or {}).items()},
            "metadata": {"shop_id": "wuhan", "buyer_id": "wuhan-none"}}


def place(value: str, start: int) -> Dict[str, Any]:
    return {"entity": "location", "value": value, "start": start, "end": start + len(value)}


def courier(value: str, start: int) -> Dict[str, Any]:
    return {"entity": "courier", "value": value, "start": start, "end": start + len(value)}


def after(*messages: Dict[str, Any]):  # type: ignore[no-untyped-def]
    """Build each turn in the state the previous left; the last turn."""
    slots = empty_slots()
    turn = None
    for m in messages:
        turn = build_turn(m, slots)
        slots = {**slots, **changed_slots(slots, turn, None)}
    return turn, slots


FEE_XINJIANG = parse("发新疆运费多少", "shipping_query", 0.95, [place("新疆", 1)],
                     subtopics={"shipping_query": "fee"})


def test_another_place_continues_the_fee_question_with_the_new_place() -> None:
    turn, _ = after(FEE_XINJIANG, parse("那杭州呢", "shipping_query", 0.41, [place("杭州", 1)],
                                        subtopics={"shipping_query": "dispatch_time"}))
    assert (turn.intent, turn.subtopic) == ("shipping_query", "fee")
    assert turn.value("location") == "杭州"
    assert turn.note == "接上文：运费 → 杭州"


def test_a_courier_keeps_the_place_of_the_previous_question() -> None:
    turn, _ = after(FEE_XINJIANG, parse("顺丰呢", "nlu_fallback", 0.3, [courier("顺丰", 0)],
                                        ranking=[("nlu_fallback", 0.3), ("shipping_query", 0.25)]))
    assert (turn.intent, turn.subtopic) == ("shipping_query", "fee")
    assert turn.value("courier") == "顺丰" and turn.value("location") == "新疆"
    assert "顺丰" in turn.note


def test_also_ask_for_another_place_is_a_follow_up_even_when_read_as_something_else() -> None:
    turn, _ = after(FEE_XINJIANG, parse("拉萨的也问一下", "product_query", 0.38, [place("拉萨", 0)],
                                        ranking=[("product_query", 0.38), ("shipping_query", 0.3)]))
    assert (turn.intent, turn.subtopic, turn.value("location")) == ("shipping_query", "fee", "拉萨")


def test_after_a_quality_complaint_how_to_return_is_about_that_quality_problem() -> None:
    complaint = parse("收到的杯子漏水 质量太差了", "complaint", 0.9,
                      subtopics={"complaint": "quality"})
    turn, slots = after(complaint, parse("怎么退啊", "refund", 0.88,
                                         subtopics={"refund": "how"}))
    assert (turn.intent, turn.subtopic, turn.reason) == ("refund", "how", "quality")
    assert slots["reason"] == "quality"


def test_who_pays_postage_after_a_complaint_continues_into_refunds_not_shipping_fees() -> None:
    complaint = parse("发错货了 我要的是黑色", "complaint", 0.9,
                      subtopics={"complaint": "wrong_item"})
    turn, _ = after(complaint, parse("邮费谁出", "shipping_query", 0.5,
                                     ranking=[("shipping_query", 0.5), ("refund", 0.3),
                                              ("complaint", 0.1)],
                                     subtopics={"shipping_query": "fee",
                                                "refund": "return_postage"}))
    assert (turn.intent, turn.subtopic, turn.reason) == ("refund", "return_postage", "wrong_item")


def test_a_confident_new_subject_ends_the_carried_context() -> None:
    turn, slots = after(FEE_XINJIANG,
                        parse("这个保温杯是304不锈钢的吗", "product_query", 0.93,
                              subtopics={"product_query": "material"}))
    assert (turn.intent, turn.subtopic, turn.note) == ("product_query", "material", None)
    assert turn.value("location") is None
    assert slots["topic"] == "product_query" and not slots.get("topic_entities")


def test_thanks_in_between_does_not_end_the_topic() -> None:
    thanks = parse("好的谢谢", "affirm", 0.9)
    turn, _ = after(FEE_XINJIANG, thanks, parse("那杭州呢", "shipping_query", 0.5,
                                                [place("杭州", 1)]))
    assert (turn.intent, turn.subtopic, turn.value("location")) == ("shipping_query", "fee", "杭州")


def test_a_first_message_is_read_alone() -> None:
    turn, _ = after(parse("那杭州呢", "shipping_query", 0.5, [place("杭州", 1)],
                          subtopics={"shipping_query": "fee"}))
    assert turn.note is None and turn.subtopic == "fee"


def test_a_bare_order_number_still_continues_the_question_it_answers() -> None:
    order = {"entity": "order_id", "value": "3912345678901234", "start": 4, "end": 20}
    turn, _ = after(parse("我要退货", "refund", 0.9, subtopics={"refund": "how"}),
                    parse("订单号是3912345678901234", "nlu_fallback", 0.4, [order]))
    assert (turn.intent, turn.subtopic) == ("refund", "how")


def test_a_short_message_not_understood_alone_continues_the_topic() -> None:
    foot = {"entity": "foot_length", "value": "24.3", "start": 2, "end": 6,
            "additional_info": {"cm": 24.3}}
    sizing = parse("脚长24.3穿多大", "size_query", 0.9, [foot], subtopics={"size_query": "recommend"})
    turn, _ = after(sizing, parse("我脚背有点高", "nlu_fallback", 0.3,
                                  ranking=[("nlu_fallback", 0.3), ("greet", 0.2)]))
    assert (turn.intent, turn.subtopic) == ("size_query", "recommend")
    assert turn.value("foot_length") == "24.3"


def test_a_confident_other_subject_ends_the_topic() -> None:
    turn, _ = after(FEE_XINJIANG, parse("我要退货", "refund", 0.93, subtopics={"refund": "how"}))
    assert (turn.intent, turn.subtopic) == ("refund", "how") and turn.note is None


def test_a_place_in_a_message_not_understood_continues_the_fee_question() -> None:
    turn, _ = after(FEE_XINJIANG, parse("重庆的也问一下 我姐在那边", "nlu_fallback", 0.3,
                                        [place("重庆", 0)],
                                        ranking=[("nlu_fallback", 0.3), ("greet", 0.2)]))
    assert (turn.intent, turn.subtopic, turn.value("location")) == ("shipping_query", "fee", "重庆")


def test_how_long_for_photos_after_a_complaint_is_the_photo_rule() -> None:
    complaint = parse("收到的杯子漏水", "complaint", 0.9, subtopics={"complaint": "quality"})
    turn, _ = after(complaint, parse("照片要多久之内发", "shipping_query", 0.6,
                                     subtopics={"shipping_query": "dispatch_time"}))
    assert (turn.intent, turn.subtopic) == ("complaint", "quality")


def test_an_emoji_or_invisible_only_message_does_not_continue_the_topic() -> None:
    for text in ("😤😤", "\u200b\u200b"):
        # even when a topic related to the previous one is in the ranking (found trying the
        # chat window: 😤😤 after a return question was answered as a quality complaint)
        for ranking in ([("nlu_fallback", 0.3), ("greet", 0.2)],
                        [("nlu_fallback", 0.3), ("shipping_query", 0.25)]):
            turn, _ = after(FEE_XINJIANG, parse(text, "nlu_fallback", 0.3, ranking=ranking))
            assert turn.intent == "nlu_fallback" and turn.note is None, (text, ranking)
