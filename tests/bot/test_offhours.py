"""Off-hours auto-reply with an injected clock (shop time Asia/Shanghai, hours 9:00–23:30)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.offhours import auto_reply, closed_window
from bot.phrases import shop_library
from bot.policy import shop_policy

SH = dt.timezone(dt.timedelta(hours=8))


def at(hour: int, minute: int = 0, day: int = 23) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(
    "when, key, back",
    [(at(8, 59), "2026-11-22", "2026-11-23 09:00"), (at(23, 30), "2026-11-23", "2026-11-24 09:00"),
     (at(2, 0, day=24), "2026-11-23", "2026-11-24 09:00"), (at(9, 0), None, None),
     (at(23, 29), None, None)],
)
def test_closed_window(when: dt.datetime, key: str, back: str) -> None:
    window = closed_window(shop_policy("wuhan"), when)
    if key is None:
        assert window is None
    else:
        assert window is not None and window.key == key
        assert window.back_at.strftime("%Y-%m-%d %H:%M") == back


def test_inside_hours_nothing_is_sent() -> None:
    assert auto_reply(shop_policy("wuhan"), shop_library("wuhan"), at(15), "shipping_query",
                      []) is None


def test_once_per_conversation_per_closed_period_and_intent_aware() -> None:
    policy, library = shop_policy("wuhan"), shop_library("wuhan")
    first = auto_reply(policy, library, at(23, 45), "shipping_query", [])
    assert first is not None and first.window == "2026-11-23"
    assert "明天09:00" in first.text and "暖暖家居旗舰店" in first.text
    assert first.phrase_ids == ("offhours.greeting_1", "offhours.shipping_1")
    # a second message in the same night: nothing more
    assert auto_reply(policy, library, at(3, 0, day=24), "refund", [first.window]) is None
    # the next night is a new period
    again = auto_reply(policy, library, at(0, 30, day=25), "refund", [first.window])
    assert again is not None and again.window == "2026-11-24"
    assert "今天09:00" in again.text and "退款" in again.text


def test_complaints_hear_an_apology_and_unknown_intents_a_generic_line() -> None:
    reply = auto_reply(shop_policy("wuhan"), shop_library("wuhan"), at(6), "complaint", [])
    assert reply is not None and "抱歉" in reply.text
    other = auto_reply(shop_policy("wuhan"), shop_library("wuhan"), at(6), "bargain", [])
    assert other is not None and other.phrase_ids[1] == "offhours.other_1"


@pytest.mark.parametrize("intent", ["shipping_query", "refund", "complaint", "change_order",
                                    "bargain", None])
def test_auto_reply_promises_nothing_and_breaks_no_platform_rule(intent: str) -> None:
    from tests.bot.suggest.test_engine import FORBIDDEN

    for shop in ("wuhan", "shanghai"):
        reply = auto_reply(shop_policy(shop), shop_library(shop), at(1), intent, [])
        assert reply is not None
        assert not FORBIDDEN.search(reply.text), reply.text
