"""Helpers for the channel tests: signed webhook requests, chat sessions, the reference
receiver configured as the shop's webhook."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from fastapi.testclient import TestClient

from bot.channels.config import configure
from bot.channels.signing import sign, sign_buyer
from bot.store.channel_models import ShopChannel
from bot.store.runtime import sessions
from tests.api.conftest import Clock, new_id

_UNSET: Any = object()


def shop_channel(shop: str = "wuhan", webhook_url: Any = _UNSET) -> ShopChannel:
    with sessions()() as session:
        if webhook_url is _UNSET:
            return configure(session, shop)
        return configure(session, shop, webhook_url=webhook_url)


def signed(secret: str, body: bytes, timestamp: int) -> Dict[str, str]:
    return {"Content-Type": "application/json", "X-Shop-Timestamp": str(timestamp),
            "X-Shop-Signature": sign(secret, timestamp, body)}


def hook_post(client: TestClient, clock: Clock, text: str, conversation: str,
              message_id: Optional[str] = None, shop: str = "wuhan",
              buyer: Optional[str] = "wuhan-paid_not_shipped", secret: Optional[str] = None,
              timestamp: Optional[int] = None, **extra: Any) -> Any:
    body = json.dumps({"conversation_id": conversation, "client_message_id": message_id or new_id("m"),
                       "text": text, **({"buyer_id": buyer} if buyer else {}), **extra},
                      ensure_ascii=False).encode()
    secret = secret or shop_channel(shop).webhook_secret
    ts = int(clock().timestamp()) if timestamp is None else timestamp
    return client.post(f"/api/hooks/{shop}/messages", content=body, headers=signed(secret, body, ts))


def chat_session(client: TestClient, shop: str = "wuhan", **body: Any) -> Dict[str, Any]:
    response = client.post(f"/api/chat/{shop}/session", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def signed_buyer(clock: Clock, buyer: str, shop: str = "wuhan") -> Dict[str, Any]:
    ts = int(clock().timestamp())
    return {"buyer_id": buyer, "buyer_ts": ts,
            "buyer_sig": sign_buyer(shop_channel(shop).site_secret, shop, buyer, ts)}


def bearer(session: Dict[str, Any]) -> Dict[str, str]:
    return {"Authorization": f"Bearer {session['token']}"}
