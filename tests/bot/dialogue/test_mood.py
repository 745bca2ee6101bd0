"""Anger and urgency are read from the buyer's words; a long complaint's own facts."""

from __future__ import annotations

import pytest

from bot.dialogue.mood import read_mood


@pytest.mark.parametrize("text", ["付款两天了还不发😤", "什么破质量!!", "再不处理我就打12315",
                                  "给差评了", "你们太不近人情了", "怎么还不退款？？？"])
def test_angry_buyers(text: str) -> None:
    mood = read_mood(text)
    assert mood.angry and mood.upset and mood.cues


@pytest.mark.parametrize("text", ["什么时候发货", "这个有L码吗", "好的谢谢亲", "能便宜点吗",
                                  "我知道了", "165斤穿什么码"])
def test_calm_buyers(text: str) -> None:
    assert not read_mood(text).upset


def test_urgency_is_not_anger() -> None:
    mood = read_mood("着急用 今天能发吗")
    assert mood.urgent and not mood.angry


def test_a_long_rant_names_what_broke_and_what_is_asked() -> None:
    rant = ("我上周买的保温杯，收到第一天用就发现杯盖漏水了，倒了热水放包里，包里的书全湿了，"
            "本来是送人的礼物，结果搞成这样，真的很失望。我联系了好几次都没人回，" * 2
            + "我要求退款，不然我就去投诉。")
    mood = read_mood(rant)
    assert mood.long and mood.angry
    assert mood.problem is not None and "漏水" in mood.problem
    assert mood.request == "退款"
