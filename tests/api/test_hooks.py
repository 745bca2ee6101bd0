"""The signed webhook in: good signatures store the message once; a bad, stale or
replayed signature gets 401 and stores nothing."""

from __future__ import annotations

import json
from typing import Dict

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.store.runtime import sessions
from bot.store.service_models import BuyerMessage, Conversation
from tests.api.channel_helpers import hook_post, shop_channel, signed
from tests.api.conftest import Clock, auth, new_id


def stored_messages() -> int:
    with sessions()() as session:
        return session.execute(select(func.count()).select_from(BuyerMessage)).scalar()


def test_a_signed_message_is_stored_once_and_the_console_sees_it(
        client: TestClient, clock: Clock, tokens: Dict[str, str]) -> None:
    conversation, message_id = new_id("qn"), new_id("m")
    first = hook_post(client, clock, "什么时候发货", conversation, message_id,
                      metadata={"item_id": "520163408217"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["conversation_id"] == conversation and body["duplicate"] is False
    assert "suggestions" not in json.dumps(body) and "intent" not in json.dumps(body)
    # the chat system sends it again (new timestamp, so a new signature): stored once
    clock.set(clock().replace(second=30))
    again = hook_post(client, clock, "什么时候发货", conversation, message_id)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["message_id"] == body["message_id"]
    view = client.get(f"/api/shops/wuhan/conversations/{conversation}",
                      headers=auth(tokens["agent-wuhan"])).json()
    buyer = [t for t in view["timeline"] if t["type"] == "buyer"]
    assert len(buyer) == 1 and buyer[0]["suggestions"], "agents get suggestions for it"
    with sessions()() as session:
        channel = session.execute(select(Conversation.channel).where(
            Conversation.external_id == conversation)).scalar()
    assert channel == "webhook"


def test_bad_stale_and_replayed_signatures_get_401_and_store_nothing(
        client: TestClient, clock: Clock) -> None:
    secret = shop_channel().webhook_secret
    body = json.dumps({"conversation_id": new_id("qn"), "client_message_id": new_id("m"),
                       "text": "在吗"}).encode()
    now = int(clock().timestamp())
    before = stored_messages()
    cases = {
        "wrong secret": signed("0" * 64, body, now),
        "body changed": signed(secret, body.replace(b"\xe5", b"x") + b" ", now),
        "stale": signed(secret, body, now - 301),
        "from the future": signed(secret, body, now + 301),
        "missing": {"Content-Type": "application/json"},
        "not a number": {**signed(secret, body, now), "X-Shop-Timestamp": "soon"},
    }
    for name, headers in cases.items():
        response = client.post("/api/hooks/wuhan/messages", content=body, headers=headers)
        assert response.status_code == 401, (name, response.text)
        assert response.json()["detail"], name
    assert stored_messages() == before
    good = signed(secret, body, now)
    assert client.post("/api/hooks/wuhan/messages", content=body, headers=good).status_code == 201
    replay = client.post("/api/hooks/wuhan/messages", content=body, headers=good)
    assert replay.status_code == 401 and "used before" in replay.json()["detail"]
    assert stored_messages() == before + 1


def test_another_shops_secret_does_not_sign_for_this_shop(client: TestClient, clock: Clock) -> None:
    other = shop_channel("shanghai").webhook_secret
    response = hook_post(client, clock, "在吗", new_id("qn"), secret=other, buyer=None)
    assert response.status_code == 401


def test_signed_but_malformed_is_422_with_a_reason(client: TestClient, clock: Clock) -> None:
    secret = shop_channel().webhook_secret
    body = b'{"conversation_id": "qn-1", "text": 5}'
    response = client.post("/api/hooks/wuhan/messages", content=body,
                           headers=signed(secret, body, int(clock().timestamp())))
    assert response.status_code == 422 and response.json()["errors"]
