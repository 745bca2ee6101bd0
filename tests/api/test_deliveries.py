"""Replies to the shop's chat system go out through the outbox: at least once, each
idempotency key kept once by the receiver, in order per conversation, nothing lost
while the receiver is down or the service restarts."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
from fastapi.testclient import TestClient

from bot.channels import outbox
from bot.channels.deliverer import Deliverer
from bot.channels.signing import sign
from bot.store.channel_models import Delivery
from bot.store.runtime import sessions
from scripts.reply_receiver import Receiver
from tests.api.channel_helpers import hook_post, shop_channel
from tests.api.conftest import Clock, auth, new_id

FAST = outbox.RetryPolicy(max_attempts=100, backoff_seconds=0.2, backoff_cap_seconds=0.5)


def wait_for(check: Callable[[], Any], seconds: float = 30.0) -> Any:
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {check.__doc__ or check}")


@pytest.fixture()
def receiver(tmp_path: Path, client: TestClient) -> Iterator[Receiver]:
    """The reference receiver as wuhan's webhook, and a fast retry policy."""
    channel = shop_channel()
    box = Receiver(channel.webhook_secret, tmp_path / "received.jsonl").start()
    shop_channel(webhook_url=box.url)
    client.app.state.deliverer.policy = FAST
    yield box
    box.stop()
    client.app.state.deliverer.policy = outbox.RetryPolicy()


def conversation_with_replies(client: TestClient, clock: Clock, agent: Dict[str, str],
                              texts: List[str]) -> str:
    """A webhook conversation: each buyer text answered by its first suggestion."""
    conversation = new_id("qn")
    for text in texts:
        posted = hook_post(client, clock, text, conversation)
        assert posted.status_code == 201, posted.text
        view = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent).json()
        last = [t for t in view["timeline"] if t["type"] == "buyer"][-1]
        approved = client.post(f"/api/shops/wuhan/suggestions/{last['suggestions'][0]['id']}/approve",
                               headers=agent)
        assert approved.status_code == 201, approved.text
    return conversation


def reply_ids(client: TestClient, agent: Dict[str, str], conversation: str) -> List[int]:
    replies = client.get(f"/api/shops/wuhan/conversations/{conversation}/replies",
                         headers=agent).json()["replies"]
    return [r["id"] for r in replies]


def check_received_once_in_order(box: Receiver, expected: Dict[str, List[int]]) -> None:
    got = box.received()
    keys = [g["idempotency_key"] for g in got]
    assert len(keys) == len(set(keys)), "the receiver kept a key twice"
    for conversation, ids in expected.items():
        mine = [g for g in got if g["conversation_id"] == conversation]
        assert [g["reply_id"] for g in mine] == ids, conversation
        assert [g["sequence"] for g in mine] == list(range(1, len(ids) + 1))


def test_receiver_down_then_back_gets_every_reply_once_in_order(
        client: TestClient, clock: Clock, tokens: Dict[str, str], receiver: Receiver) -> None:
    agent = auth(tokens["agent-wuhan"])
    receiver.stop()  # down before the first reply
    conversations = [conversation_with_replies(client, clock, agent, ["什么时候发货", "能便宜点吗"]),
                     conversation_with_replies(client, clock, agent, ["在吗"])]
    expected = {c: reply_ids(client, agent, c) for c in conversations}

    def retried() -> bool:
        """every delivery tried at least twice while the receiver is down"""
        listed = client.get("/api/shops/wuhan/deliveries", params={"state": "pending"},
                            headers=agent).json()["deliveries"]
        mine = [d for d in listed if d["conversation_id"] in conversations]
        first = [d for d in mine if d["reply_id"] == expected[conversations[0]][0]]
        return bool(first) and first[0]["attempts"] >= 2 and "ConnectError" in first[0]["last_error"]

    wait_for(retried)
    timeline = client.get(f"/api/shops/wuhan/conversations/{conversations[0]}", headers=agent).json()
    replies = [t for t in timeline["timeline"] if t["type"] == "reply"]
    assert [r["delivery"]["state"] for r in replies] == ["pending", "pending"]
    receiver.start()  # back, on the same port
    wait_for(lambda: len(receiver.received()) == 3)
    check_received_once_in_order(receiver, expected)
    timeline = client.get(f"/api/shops/wuhan/conversations/{conversations[0]}", headers=agent).json()
    assert [t["delivery"]["state"] for t in timeline["timeline"] if t["type"] == "reply"] == [
        "delivered", "delivered"]


def test_a_restart_mid_send_loses_nothing_and_repeats_are_dropped(
        client: TestClient, clock: Clock, tokens: Dict[str, str], receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    agent = auth(tokens["agent-wuhan"])
    client.app.state.deliverer.stop()  # the process goes away …
    conversation = conversation_with_replies(client, clock, agent, ["什么时候发货", "在吗", "包邮吗"])
    expected = {conversation: reply_ids(client, agent, conversation)}
    monkeypatch.setattr(outbox, "LEASE_SECONDS", 1)
    with sessions()() as session:  # … in the middle of sending: its leases are held
        leased = outbox.claim(session, outbox.utcnow())
    assert leased
    # one reply had reached the receiver before the process died, unrecorded: it comes again
    with sessions()() as session:
        body = outbox.payload(session.get(Delivery, leased[0]))
    raw = json.dumps(body).encode()
    assert receiver.take(raw, _signed_headers(raw, body["idempotency_key"])) == 200
    fresh = Deliverer(FAST, poll_seconds=0.1)  # the service started again
    client.app.state.deliverer = fresh
    fresh.start()
    wait_for(lambda: len(receiver.received()) == 3)
    time.sleep(0.5)
    check_received_once_in_order(receiver, expected)
    assert receiver.repeats >= 1, "the repeated key was answered, not kept twice"


def _signed_headers(raw: bytes, key: str) -> Dict[str, str]:
    ts = int(time.time())
    return {"X-Shop-Timestamp": str(ts), "Idempotency-Key": key,
            "X-Shop-Signature": sign(shop_channel().webhook_secret, ts, raw)}


def test_failed_after_the_last_try_then_sent_again(
        client: TestClient, clock: Clock, tokens: Dict[str, str], receiver: Receiver) -> None:
    agent = auth(tokens["agent-wuhan"])
    client.app.state.deliverer.policy = outbox.RetryPolicy(2, 0.1, 0.1)
    receiver.stop()
    conversation = conversation_with_replies(client, clock, agent, ["什么时候发货"])
    [reply_id] = reply_ids(client, agent, conversation)

    def failed() -> List[Dict[str, Any]]:
        """the delivery is failed"""
        listed = client.get("/api/shops/wuhan/deliveries", params={"state": "failed"},
                            headers=agent).json()["deliveries"]
        return [d for d in listed if d["reply_id"] == reply_id]

    [delivery] = wait_for(failed)
    assert delivery["attempts"] == 2 and delivery["last_error"]
    receiver.start()
    again = client.post(f"/api/shops/wuhan/deliveries/{delivery['id']}/retry", headers=agent)
    assert again.status_code == 200 and again.json()["state"] == "pending"
    wait_for(lambda: [g for g in receiver.received() if g["reply_id"] == reply_id])
    twice = client.post(f"/api/shops/wuhan/deliveries/{delivery['id']}/retry", headers=agent)
    assert twice.status_code == 409
    other_shop = client.get("/api/shops/wuhan/deliveries", headers=auth(tokens["agent-shanghai"]))
    assert other_shop.status_code == 403


def test_conversations_of_other_channels_are_not_delivered(
        client: TestClient, tokens: Dict[str, str], receiver: Receiver) -> None:
    agent = auth(tokens["agent-wuhan"])
    conversation = new_id("c")
    sent = client.post(f"/api/shops/wuhan/conversations/{conversation}/messages", headers=agent,
                       json={"client_message_id": new_id("m"), "text": "在吗"}).json()
    client.post(f"/api/shops/wuhan/suggestions/{sent['message']['suggestions'][0]['id']}/approve",
                headers=agent)
    time.sleep(1)
    assert all(g["conversation_id"] != conversation for g in receiver.received())
