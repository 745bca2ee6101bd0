"""Ingesting buyer messages: suggestions back, nothing sent, idempotent, malformed requests refused."""

from __future__ import annotations

from typing import Dict

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import new_id, send


def history(client: TestClient, agent: Dict[str, str], conversation: str) -> Dict:
    response = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent)
    assert response.status_code == 200, response.text
    return response.json()


def test_shipping_question_gets_suggestions_with_the_order_and_nothing_is_sent(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    response = send(client, agent, conversation, "亲，我的快递什么时候发货呀")
    assert response.status_code == 201, response.text
    body = response.json()
    message = body["message"]
    assert message["intent"] == "shipping_query"
    assert not message["degraded"], message["degraded_reason"]
    assert message["order_id"] and message["suggestions"]
    assert any(message["order_id"] in s["text"] for s in message["suggestions"])
    assert all(s["status"] == "pending" for s in message["suggestions"])
    assert body["auto_reply"] is None and body["duplicate"] is False
    # inside business hours nothing reaches the buyer until an agent approves
    replies = client.get(f"/api/shops/wuhan/conversations/{conversation}/replies", headers=agent)
    assert replies.json() == {"replies": []}


def test_dialogue_state_carries_the_order_number_across_turns(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    first = send(client, agent, conversation, "我想问下什么时候发货", buyer="wuhan-several_open").json()
    assert first["message"]["order_id"] is None  # several open orders: the agent must ask
    order = history(client, agent, conversation)
    orders = client.get(f"/api/shops/wuhan/conversations/{conversation}/orders", headers=agent)
    number = orders.json()["orders"][0]["id"]
    second = send(client, agent, conversation, f"订单号{number}", buyer="wuhan-several_open").json()
    assert second["message"]["order_id"] == number
    third = send(client, agent, conversation, "那能退款吗", buyer="wuhan-several_open").json()
    assert third["message"]["intent"] == "refund"
    assert third["message"]["order_id"] == number  # remembered by Rasa's tracker (Redis)
    assert order["unread"] == 1


def test_resending_the_same_message_is_idempotent(client: TestClient, agent: Dict[str, str]) -> None:
    conversation, message_id = new_id(), new_id("m")
    first = send(client, agent, conversation, "在吗", message_id=message_id)
    again = send(client, agent, conversation, "在吗", message_id=message_id)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["message"] == first.json()["message"]
    assert len(history(client, agent, conversation)["timeline"]) == 1


def test_a_used_message_id_with_other_text_is_refused_and_the_first_is_kept(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation, message_id = new_id(), new_id("m")
    send(client, agent, conversation, "在吗", message_id=message_id)
    clash = send(client, agent, conversation, "我要退货", message_id=message_id)
    assert clash.status_code == 409
    assert "already used" in clash.json()["detail"]
    timeline = history(client, agent, conversation)["timeline"]
    assert [item["text"] for item in timeline] == ["在吗"]


@pytest.mark.parametrize("text, reason", [("", "empty")])
def test_empty_text_is_refused_with_a_reason_and_nothing_is_stored(
        client: TestClient, agent: Dict[str, str], text: str, reason: str) -> None:
    """Only a malformed request is refused: any other text is stored (test_bad_input.py)."""
    conversation = new_id()
    send(client, agent, conversation, "在吗")
    before = history(client, agent, conversation)
    response = send(client, agent, conversation, text)
    assert response.status_code == 422
    assert reason in str(response.json()["detail"])
    assert history(client, agent, conversation) == before


def test_markup_and_control_characters_are_text(client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    texts = ["<script>alert('x')</script>什么时候发货", '<img src=x onerror="alert(1)">',
             "在吗\x07", "   \n\t "]
    for text in texts:
        assert send(client, agent, conversation, text).status_code == 201
    stored = [item["text"] for item in history(client, agent, conversation)["timeline"]
              if item["type"] == "buyer"]
    assert stored == texts


def test_a_conversation_keeps_to_the_buyers_of_its_shop(client: TestClient,
                                                        agent: Dict[str, str]) -> None:
    conversation = new_id()
    refused = send(client, agent, conversation, "在吗", buyer="shanghai-paid_not_shipped")
    assert refused.status_code == 422
    assert "buyer 'shanghai-paid_not_shipped' is a buyer of another shop" in refused.json()["detail"]
    assert client.get(f"/api/shops/wuhan/conversations/{conversation}",
                      headers=agent).status_code == 404
    assert send(client, agent, conversation, "在吗").status_code == 201


@pytest.mark.parametrize("path, body, status", [
    ("/api/shops/nosuchshop/conversations/c1/messages",
     {"client_message_id": "m1", "text": "在吗"}, 404),
    ("/api/shops/wuhan/conversations/has%20space/messages",
     {"client_message_id": "m1", "text": "在吗"}, 422),
    ("/api/shops/wuhan/conversations/c1/messages", {"client_message_id": "", "text": "在吗"}, 422),
    ("/api/shops/wuhan/conversations/c1/messages", {"text": "在吗"}, 422),
    ("/api/shops/wuhan/conversations/c1/messages",
     {"client_message_id": "m1", "text": "在吗", "extra": 1}, 422),
    ("/api/shops/wuhan/conversations/c1/messages", {"client_message_id": "m1", "text": 5}, 422),
])
def test_malformed_requests_get_a_4xx(client: TestClient, agent: Dict[str, str], path: str,
                                      body: Dict, status: int) -> None:
    response = client.post(path, json=body, headers=agent)
    assert response.status_code == status
    assert response.json()["detail"]


def test_unknown_conversation_is_404(client: TestClient, agent: Dict[str, str]) -> None:
    for path in ("", "/replies", "/orders"):
        response = client.get(f"/api/shops/wuhan/conversations/{new_id()}{path}", headers=agent)
        assert response.status_code == 404
        assert "no conversation" in response.json()["detail"]


def test_the_agent_sees_the_new_address_and_phone_as_the_buyer_typed_them(
        client: TestClient, agent: Dict[str, str]) -> None:
    """The agent answering this conversation must act on them (docs/privacy.md);
    every screen outside it (review, audit, exports, logs) masks them."""
    conversation = new_id()
    typed = "地址改成武汉市洪山区珞喻路1037号，电话13812345678"
    send(client, agent, conversation, typed)
    item = history(client, agent, conversation)["timeline"][0]
    assert item["text"] == typed
    listed = client.get("/api/shops/wuhan/conversations", headers=agent).json()
    row = next(c for c in listed["conversations"] if c["id"] == conversation)
    assert row["last_message"] == typed


def test_simultaneous_first_messages_of_one_conversation_are_both_kept(
        client: TestClient, agent: Dict[str, str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    conversation = new_id()
    texts = ["在吗", "什么时候发货", "我要退货", "能便宜点吗"]
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda t: send(client, agent, conversation, t), texts))
    assert [r.status_code for r in responses] == [201] * 4
    stored = [item["text"] for item in history(client, agent, conversation)["timeline"]
              if item["type"] == "buyer"]
    assert sorted(stored) == sorted(texts)
