"""Off-hours auto-reply with an injected clock: once per conversation per closed period."""

from __future__ import annotations

import datetime as dt
from typing import Dict

from fastapi.testclient import TestClient

from tests.api.conftest import SHANGHAI, Clock, new_id, send

NIGHT = dt.datetime(2026, 11, 23, 23, 45, tzinfo=SHANGHAI)     # wuhan closes at 23:30
SAME_NIGHT = dt.datetime(2026, 11, 24, 2, 10, tzinfo=SHANGHAI)
NEXT_NIGHT = dt.datetime(2026, 11, 24, 23, 50, tzinfo=SHANGHAI)


def sent(client: TestClient, agent: Dict[str, str], conversation: str) -> list:
    return client.get(f"/api/shops/wuhan/conversations/{conversation}/replies",
                      headers=agent).json()["replies"]


def test_inside_hours_only_suggestions(client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    body = send(client, agent, conversation, "什么时候发货").json()
    assert body["auto_reply"] is None and body["message"]["suggestions"]
    assert sent(client, agent, conversation) == []


def test_one_auto_reply_per_conversation_per_closed_period(
        client: TestClient, agent: Dict[str, str], clock: Clock) -> None:
    conversation = new_id()
    clock.set(NIGHT)
    first = send(client, agent, conversation, "什么时候发货").json()
    auto = first["auto_reply"]
    assert auto["kind"] == "auto_offhours" and auto["approved_by"] is None
    assert "明天09:00" in auto["text"] and "发货" in auto["text"]
    assert first["message"]["suggestions"], "agents still get suggestions for when they return"
    clock.set(SAME_NIGHT)
    assert send(client, agent, conversation, "在吗？").json()["auto_reply"] is None
    clock.set(NEXT_NIGHT)
    again = send(client, agent, conversation, "还没发货吗").json()["auto_reply"]
    assert again is not None and again["offhours_window"] == "2026-11-24"
    assert [r["kind"] for r in sent(client, agent, conversation)] == ["auto_offhours"] * 2


def test_the_second_line_follows_the_intent_and_promises_nothing(
        client: TestClient, agent: Dict[str, str], clock: Clock) -> None:
    clock.set(NIGHT)
    refund = send(client, agent, new_id(), "我要退货退款").json()["auto_reply"]["text"]
    shipping = send(client, agent, new_id(), "什么时候发货").json()["auto_reply"]["text"]
    assert "记录" in refund or "留言" in refund
    assert refund != shipping
    for text in (refund, shipping):
        assert not any(word in text for word in ("保证", "一定", "马上发货", "已退款"))


def test_agents_see_the_auto_reply_when_they_return(
        client: TestClient, agent: Dict[str, str], clock: Clock) -> None:
    conversation = new_id()
    clock.set(NIGHT)
    suggestion = send(client, agent, conversation, "我要退货").json()["message"]["suggestions"][0]
    clock.set(dt.datetime(2026, 11, 24, 9, 5, tzinfo=SHANGHAI))
    listing = client.get("/api/shops/wuhan/conversations", headers=agent).json()["conversations"]
    summary = next(c for c in listing if c["id"] == conversation)
    assert summary["offhours_unseen"] is True and summary["offhours_auto_replies"] == 1
    client.post(f"/api/shops/wuhan/suggestions/{suggestion['id']}/approve", headers=agent)
    listing = client.get("/api/shops/wuhan/conversations", headers=agent).json()["conversations"]
    assert next(c for c in listing if c["id"] == conversation)["offhours_unseen"] is False
