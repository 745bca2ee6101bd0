"""转人工: the agent sending the suggestion is already a person, so the answer is in a
human agent's voice — never a transfer (转接), never a made-up agent name."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from bot.phrases import for_situation, shop_library
from bot.store.demo import DEMO_STATES
from tests.bot.suggest.rules.conftest import ask, texts

SHOPS = ["wuhan", "shanghai"]
TRANSFER = re.compile(r"转接|转人工|为您转|帮您转|联系人工|客服同事|稍等片刻|马上来")
NAMED_AGENT = re.compile(r"客服小[\u4e00-\u9fff]|我是小[\u4e00-\u9fff]")
FORBIDDEN = re.compile(r"\{[^{}]*\}|(?<!\d)1[3-9]\d{9}(?!\d)|微信|VX|vx|QQ|qq"
                       r"|最|第一|100%|顶级|国家级|绝对|保证|一定")


@pytest.mark.parametrize("shop", SHOPS)
def test_every_handoff_phrase_speaks_as_the_human_agent(shop: str) -> None:
    phrases = for_situation(shop_library(shop), "handoff")
    assert len(phrases) >= 6
    for p in phrases:
        assert p.intent == "human_handoff"
        assert not TRANSFER.search(p.text), p.text
        assert not NAMED_AGENT.search(p.text), p.text
        assert not FORBIDDEN.search(p.text), p.text
        assert re.search(r"我|人工|真人", p.text), p.text


@pytest.mark.parametrize("shop", SHOPS)
def test_handoff_for_every_buyer_is_the_human_voice(demo_session: Session, shop: str) -> None:
    for state in DEMO_STATES:
        result = ask(demo_session, "human_handoff", None, buyer=f"{shop}-{state}", shop=shop,
                     text="转人工")
        assert result.situations == ["handoff"]
        assert len(result.suggestions) == 3 and not result.escalate
        assert not any(TRANSFER.search(t) for t in texts(result))
        assert any("人工客服" in t for t in texts(result))


def test_an_angry_handoff_apologises_first_and_is_flagged(demo_session: Session) -> None:
    openers = [p.text for p in for_situation(shop_library("wuhan"), "apology_opener")]
    result = ask(demo_session, "human_handoff", None, buyer="wuhan-paid_overdue",
                 text="转人工！！你们什么破客服")
    assert result.escalate
    for t in texts(result):
        assert any(t.startswith(o) for o in openers), t
        assert not TRANSFER.search(t)


@pytest.mark.parametrize("shop", SHOPS)
def test_handoff_off_hours_says_when_the_agents_are_back(demo_session: Session,
                                                         shop: str) -> None:
    import datetime as dt
    late = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    result = ask(demo_session, "human_handoff", None, "转人工", buyer=f"{shop}-none", shop=shop,
                 now=late)
    top = result.suggestions[0]
    assert "今天09:00" in top.text and "policy.business_hours" in top.facts
    assert not TRANSFER.search(top.text) and not FORBIDDEN.search(top.text)
    # in hours: the human voice, no opening time
    day = ask(demo_session, "human_handoff", None, "转人工", buyer=f"{shop}-none", shop=shop)
    assert "09:00" not in day.suggestions[0].text
