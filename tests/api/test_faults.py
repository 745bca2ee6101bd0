"""Faults: with Redis or the action server down, ingestion still answers (degraded, with
the reason), and recovers by itself when they come back."""

from __future__ import annotations

from typing import Dict

from fastapi.testclient import TestClient

from bot.processes import Process
from tests.api.conftest import new_id, send


def test_redis_down_gives_degraded_suggestions_then_recovers(
        client: TestClient, agent: Dict[str, str], redis: Process) -> None:
    conversation = new_id()
    assert not send(client, agent, conversation, "在吗").json()["message"]["degraded"]
    redis.stop()
    try:
        response = send(client, agent, conversation, "什么时候发货")
        assert response.status_code == 201
        message = response.json()["message"]
        assert message["degraded"] and "conversation state unavailable" in message["degraded_reason"]
        assert message["intent"] == "shipping_query" and message["suggestions"]
        health = client.get("/healthz").json()
        assert health["status"] == "degraded" and health["checks"]["redis"].startswith("unreachable")
    finally:
        redis.start()
    recovered = send(client, agent, conversation, "我要退货").json()["message"]
    assert not recovered["degraded"] and recovered["suggestions"]
    assert client.get("/healthz").json()["status"] == "ok"


def test_action_server_down_gives_degraded_suggestions_then_recovers(
        client: TestClient, agent: Dict[str, str], actions: Process) -> None:
    conversation = new_id()
    actions.stop()
    try:
        response = send(client, agent, conversation, "什么时候发货")
        assert response.status_code == 201
        message = response.json()["message"]
        assert message["degraded"] and "action server" in message["degraded_reason"]
        assert message["suggestions"] and message["order_id"]
        assert client.get("/healthz").json()["checks"]["action_server"].startswith("unreachable")
    finally:
        actions.start()
    recovered = send(client, agent, conversation, "发什么快递").json()["message"]
    assert not recovered["degraded"] and recovered["suggestions"]
