"""When the NLU is unsure, the three suggestions answer the top intents, one each,
labelled; when it is sure, or the turn continues a topic, or it is out of scope, not."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.suggest.context import Turn
from bot.suggest.engine import UNSURE, suggest
from tests.bot.store.conftest import NOW

RANKING = [{"name": "shipping_query", "confidence": 0.40},
           {"name": "refund", "confidence": 0.35},
           {"name": "bargain", "confidence": 0.12},
           {"name": "greet", "confidence": 0.05}]


def turn(confidence: float, **more) -> Turn:  # type: ignore[no-untyped-def]
    ranking = [dict(RANKING[0], confidence=confidence)] + RANKING[1:]
    return Turn(shop_id="wuhan", intent=more.pop("intent", "shipping_query"), text="这个呢",
                buyer_id="wuhan-delivered_3_days_ago", now=NOW, confidence=confidence,
                ranking=ranking, **more)


def test_an_unsure_turn_answers_the_top_three_intents_one_each(demo_session: Session) -> None:
    result = suggest(demo_session, turn(0.40))
    assert [s.intent for s in result.suggestions] == ["shipping_query", "refund", "bargain"]
    assert [s.label for s in result.suggestions] == ["物流", "退换货", "优惠"]
    assert result.context["unsure"] == ["shipping_query", "refund", "bargain"]


def test_a_sure_turn_answers_its_intent_only(demo_session: Session) -> None:
    result = suggest(demo_session, turn(UNSURE + 0.2))
    assert {s.intent for s in result.suggestions} == {"shipping_query"}
    assert "unsure" not in result.context


def test_a_follow_up_or_an_out_of_scope_turn_is_not_split(demo_session: Session) -> None:
    followed = suggest(demo_session, turn(0.40, note="接上文：运费 → 杭州"))
    assert {s.intent for s in followed.suggestions} == {"shipping_query"}
    fallback = suggest(demo_session, turn(0.40, intent="nlu_fallback"))
    assert {s.intent for s in fallback.suggestions} == {"nlu_fallback"}


def test_a_close_second_sub_topic_gets_the_third_suggestion(demo_session: Session) -> None:
    asked = Turn(shop_id="wuhan", intent="shipping_query", text="发货了吗",
                 buyer_id="wuhan-paid_not_shipped", now=NOW, confidence=0.9,
                 subtopic="dispatch_time", subtopic_runner_up="urge")
    result = suggest(demo_session, asked)
    alone = suggest(demo_session, Turn(shop_id="wuhan", intent="shipping_query", text="发货了吗",
                                       buyer_id="wuhan-paid_not_shipped", now=NOW,
                                       confidence=0.9, subtopic="dispatch_time"))
    assert result.suggestions[:-1] == alone.suggestions[:len(result.suggestions) - 1]
    assert result.context["runner_up"] == "urge"
    assert result.suggestions[-1].text not in [s.text for s in alone.suggestions]
