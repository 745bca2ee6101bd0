"""Faults: with Redis down a turn takes the same path with the same conversation state,
so it gets the same suggestions, flagged degraded with the reason; it recovers by
itself. A database write waiting on a lock holds up no other request."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any, Dict, List

from fastapi.testclient import TestClient

from bot.processes import Process
from bot.store.queries import buyer_orders
from bot.store.runtime import sessions
from tests.api.conftest import new_id, send

BUYER = "wuhan-several_open"


def texts(response: Any) -> List[str]:
    assert response.status_code == 201, response.text
    return [s["text"] for s in response.json()["message"]["suggestions"]]


def wait_until(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_redis_down_gives_the_same_suggestions_flagged_degraded_then_recovers(
        client: TestClient, agent: Dict[str, str], redis: Process) -> None:
    with sessions()() as session:
        order = buyer_orders(session, "wuhan", BUYER, open_only=True)[0].id
    turns = ["什么时候发货", f"订单号{order}", "我要退货"]  # asks which order, continues, remembers
    twin, faulty = new_id(), new_id()
    expected = [texts(send(client, agent, twin, t, buyer=BUYER)) for t in turns]
    assert "订单" in expected[0][0] and order in expected[1][0] and expected[2]

    assert texts(send(client, agent, faulty, turns[0], buyer=BUYER)) == expected[0]
    live = client.app.state.broadcaster  # type: ignore[attr-defined]
    redis.stop()
    try:
        wait_until(lambda: not live.subscribed)
        response = send(client, agent, faulty, turns[1], buyer=BUYER)
        assert texts(response) == expected[1]
        message = response.json()["message"]
        assert message["degraded"] and "Redis unreachable" in message["degraded_reason"]
        assert message["order_id"] == order
        health = client.get("/healthz").json()
        assert health["status"] == "degraded" and health["checks"]["redis"].startswith("unreachable")
    finally:
        redis.start()
    wait_until(lambda: live.subscribed)
    recovered = send(client, agent, faulty, turns[2], buyer=BUYER)
    assert texts(recovered) == expected[2]
    assert not recovered.json()["message"]["degraded"]
    assert client.get("/healthz").json()["status"] == "ok"


def test_a_write_waiting_on_a_locked_database_holds_up_no_other_request(
        client: TestClient, agent: Dict[str, str], database_url: str) -> None:
    holder = sqlite3.connect(database_url[len("sqlite:///"):], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the file's write lock
    posted: List[Any] = []
    writer = threading.Thread(target=lambda: posted.append(
        send(client, agent, new_id(), "什么时候发货")))
    try:
        writer.start()
        time.sleep(0.5)  # the message is now waiting for the lock
        assert writer.is_alive()
        start = time.monotonic()
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/shops/wuhan/conversations", headers=agent).status_code == 200
        waited = time.monotonic() - start
        assert writer.is_alive(), "the lock was released too early for this test to mean much"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    writer.join(30)
    assert waited < 1.0, f"other requests waited {waited:.1f} s behind the locked write"
    assert posted and posted[0].status_code == 201  # and the message was stored after all
