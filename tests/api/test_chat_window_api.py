"""The buyer chat window's public API: sessions, what a buyer may read, the limits."""

from __future__ import annotations

import datetime as dt
import json
from typing import Dict

import pytest
from fastapi.testclient import TestClient

from tests.api.channel_helpers import bearer, chat_session, signed_buyer
from tests.api.conftest import SHANGHAI, Clock, auth, new_id

NIGHT = dt.datetime(2026, 11, 23, 23, 45, tzinfo=SHANGHAI)  # wuhan closes at 23:30


def post(client: TestClient, session: Dict, text: str, message_id: str = "", **extra: str):
    return client.post("/api/chat/wuhan/messages", headers=bearer(session),
                       json={"client_message_id": message_id or new_id("w"), "text": text, **extra})


def test_a_visitor_writes_and_reads_only_their_own_chat(
        client: TestClient, tokens: Dict[str, str]) -> None:
    visitor = chat_session(client)
    assert visitor["visitor_id"] and visitor["conversation_id"].startswith("web-v-")
    assert visitor["visitor_id"] not in visitor["conversation_id"]
    sent = post(client, visitor, "这套家居服是纯棉的吗", item_id="520163408217")
    assert sent.status_code == 201, sent.text
    assert "suggestion" not in sent.text and "intent" not in sent.text
    assert sent.json()["message"]["text"] == "这套家居服是纯棉的吗"
    # the agent sees it with suggestions, and the item it was asked from
    agent = auth(tokens["agent-wuhan"])
    view = client.get(f"/api/shops/wuhan/conversations/{visitor['conversation_id']}",
                      headers=agent).json()
    message = [t for t in view["timeline"] if t["type"] == "buyer"][0]
    assert "520163408217" in json.dumps(message["context"], ensure_ascii=False), \
        "the item the window was opened from reaches the agent's panel"
    approved = client.post(f"/api/shops/wuhan/suggestions/{message['suggestions'][0]['id']}/approve",
                           headers=agent)
    assert approved.status_code == 201
    mine = client.get("/api/chat/wuhan/messages", headers=bearer(visitor)).json()["items"]
    assert [i["type"] for i in mine] == ["buyer", "shop"]
    assert mine[1]["text"] == approved.json()["text"]
    assert set(mine[1]) == {"type", "id", "text", "at"}
    newer = client.get("/api/chat/wuhan/messages", params={"after": mine[1]["id"]},
                       headers=bearer(visitor)).json()["items"]
    assert [i["type"] for i in newer] == ["buyer"]
    # the same visitor id opens the same conversation; another visitor sees none of it
    again = chat_session(client, visitor_id=visitor["visitor_id"])
    assert again["conversation_id"] == visitor["conversation_id"]
    stranger = chat_session(client)
    assert client.get("/api/chat/wuhan/messages", headers=bearer(stranger)).json()["items"] == []


def test_a_signed_buyer_id_opens_that_buyers_chat_and_no_other(
        client: TestClient, clock: Clock) -> None:
    buyer = chat_session(client, **signed_buyer(clock, "wuhan-shipped_in_transit"))
    assert buyer["conversation_id"] == "web-b-wuhan-shipped_in_transit" and buyer["visitor_id"] is None
    assert post(client, buyer, "我的快递到哪了").status_code == 201
    forged = signed_buyer(clock, "wuhan-shipped_in_transit")
    forged["buyer_id"] = "wuhan-paid_not_shipped"  # someone else's id under that signature
    response = client.post("/api/chat/wuhan/session", json=forged)
    assert response.status_code == 401
    old = signed_buyer(clock, "wuhan-paid_not_shipped")
    clock.set(clock() + dt.timedelta(days=2))
    assert client.post("/api/chat/wuhan/session", json=old).status_code == 401
    other = chat_session(client, **signed_buyer(clock, "wuhan-paid_not_shipped"))
    items = client.get("/api/chat/wuhan/messages", headers=bearer(other)).json()["items"]
    assert all(i["text"] != "我的快递到哪了" for i in items)


def test_a_token_is_for_its_shop_only_and_never_optional(client: TestClient) -> None:
    visitor = chat_session(client)
    assert client.get("/api/chat/shanghai/messages", headers=bearer(visitor)).status_code == 401
    assert client.get("/api/chat/wuhan/messages").status_code == 401
    assert client.post("/api/chat/wuhan/messages", json={"client_message_id": "x",
                                                         "text": "在吗"}).status_code == 401
    # an agent's token is not a chat token
    assert client.get("/api/chat/wuhan/messages",
                      headers={"Authorization": "Bearer sa_not-a-chat-token"}).status_code == 401


def test_off_hours_the_buyer_gets_the_auto_reply(client: TestClient, clock: Clock) -> None:
    clock.set(NIGHT)
    visitor = chat_session(client)
    body = post(client, visitor, "什么时候发货").json()
    assert body["auto_reply"] and "09:00" in body["auto_reply"]["text"]
    items = client.get("/api/chat/wuhan/messages", headers=bearer(visitor)).json()["items"]
    assert items[-1]["type"] == "shop" and items[-1]["text"] == body["auto_reply"]["text"]


def test_resending_a_message_stores_it_once(client: TestClient) -> None:
    visitor = chat_session(client)
    first = post(client, visitor, "在吗", "same-1")
    second = post(client, visitor, "在吗", "same-1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["duplicate"] is True
    items = client.get("/api/chat/wuhan/messages", headers=bearer(visitor)).json()["items"]
    assert [i["text"] for i in items if i["type"] == "buyer"] == ["在吗"]


def test_limits_per_visitor_per_address_and_on_size(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = client.app.state.settings
    monkeypatch.setattr(settings, "chat_messages_per_visitor", 3)
    visitor = chat_session(client)
    codes = [post(client, visitor, f"第{i}条").status_code for i in range(5)]
    assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]
    refused = post(client, visitor, "还在吗")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "too many" in refused.json()["detail"]
    monkeypatch.setattr(settings, "chat_sessions_per_ip", 2)
    statuses = [client.post("/api/chat/wuhan/session", json={}).status_code for _ in range(3)]
    assert statuses[-1] == 429
    monkeypatch.setattr(settings, "chat_sessions_per_ip", 1000)
    monkeypatch.setattr(settings, "chat_messages_per_visitor", 1000)
    monkeypatch.setattr(settings, "chat_messages_per_ip", 2)
    others = [post(client, chat_session(client), "在吗").status_code for _ in range(3)]
    assert 429 in others, "one address sending from many visitor ids is limited too"
    monkeypatch.setattr(settings, "chat_messages_per_ip", 1000)
    monkeypatch.setattr(settings, "chat_reads_per_visitor", 2)
    reader = chat_session(client)
    reads = [client.get("/api/chat/wuhan/messages", headers=bearer(reader)).status_code
             for _ in range(3)]
    assert reads == [200, 200, 429]
    assert client.get("/api/chat/wuhan/stream", headers=bearer(reader)).status_code == 429
    big = client.post("/api/chat/wuhan/messages", headers=bearer(visitor),
                      content=json.dumps({"client_message_id": "big", "text": "好" * 9000}))
    assert big.status_code == 413
