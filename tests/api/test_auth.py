"""Tokens, roles and shops: agents see their own shop only; supervisor pages are refused to them;
tokens only in the Authorization header; stream tickets for one shop, briefly."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Dict

import pytest
from fastapi.testclient import TestClient

from bot.store import runtime
from bot.store.service_models import StreamTicket, User
from tests.api.conftest import Clock, auth, new_id, send


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "x"}])
def test_requests_without_a_valid_token_are_401(client: TestClient, headers: Dict) -> None:
    response = client.get("/api/shops/wuhan/conversations", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_agent_cannot_reach_another_shop(client: TestClient, agent: Dict[str, str],
                                            tokens: Dict[str, str]) -> None:
    conversation = new_id()
    body = send(client, agent, conversation, "什么时候发货").json()
    suggestion = body["message"]["suggestions"][0]["id"]
    other = auth(tokens["agent-shanghai"])
    for method, path in (("get", f"/api/shops/wuhan/conversations/{conversation}"),
                         ("get", f"/api/shops/wuhan/conversations/{conversation}/orders"),
                         ("get", "/api/shops/wuhan/conversations"),
                         ("get", "/api/shops/wuhan/events"),
                         ("post", f"/api/shops/wuhan/suggestions/{suggestion}/approve")):
        response = client.request(method, path, headers=other)
        assert response.status_code == 403, path
        assert "does not work for shop 'wuhan'" in response.json()["detail"]
    # through their own shop's path the wuhan objects do not exist
    assert client.post(f"/api/shops/shanghai/suggestions/{suggestion}/approve",
                       headers=other).status_code == 404
    assert client.get(f"/api/shops/shanghai/conversations/{conversation}",
                      headers=other).status_code == 404
    listing = client.get("/api/shops/shanghai/conversations", headers=other).json()
    assert conversation not in [c["id"] for c in listing["conversations"]]


def test_supervisor_endpoints_are_refused_to_agents(client: TestClient, agent: Dict[str, str],
                                                    tokens: Dict[str, str]) -> None:
    assert client.get("/api/shops/wuhan/audit/replies", headers=agent).status_code == 403
    supervisor = auth(tokens["supervisor-wuhan"])
    assert client.get("/api/shops/wuhan/audit/replies", headers=supervisor).status_code == 200
    assert client.get("/api/shops/shanghai/audit/replies", headers=supervisor).status_code == 403


def test_only_admins_create_users_and_new_tokens_work(client: TestClient, agent: Dict[str, str],
                                                      tokens: Dict[str, str]) -> None:
    new = {"name": f"agent-{new_id('x')}", "role": "agent", "shops": ["shanghai"]}
    assert client.post("/api/users", json=new, headers=agent).status_code == 403
    created = client.post("/api/users", json=new, headers=auth(tokens["admin"]))
    assert created.status_code == 201
    me = client.get("/api/me", headers=auth(created.json()["token"])).json()
    assert (me["role"], me["visible_shops"]) == ("agent", ["shanghai"])
    duplicate = client.post("/api/users", json=new, headers=auth(tokens["admin"]))
    assert duplicate.status_code == 409
    unknown = client.post("/api/users", json={**new, "name": "x-" + new["name"], "shops": ["mars"]},
                          headers=auth(tokens["admin"]))
    assert unknown.status_code == 404 and "mars" in unknown.json()["detail"]


def test_order_card_masks_phone_and_address(client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    send(client, agent, conversation, "查下我的订单", buyer="wuhan-shipped_in_transit")
    orders = client.get(f"/api/shops/wuhan/conversations/{conversation}/orders",
                        headers=agent).json()["orders"]
    assert orders and orders[0]["courier"] and orders[0]["tracking_no"]
    for order in orders:
        assert "****" in order["phone"]
        assert "****" in order["address"]
        assert order["receiver"][1:] == "*" * (len(order["receiver"]) - 1)


@pytest.mark.parametrize("name", ["token", "access_token", "TOKEN"])
def test_a_token_in_the_url_is_refused_everywhere_even_with_a_valid_header(
        client: TestClient, tokens: Dict[str, str], name: str) -> None:
    admin = tokens["admin"]
    new = {"name": f"agent-{new_id('u')}", "role": "agent", "shops": ["wuhan"]}
    created = client.post(f"/api/users?{name}={admin}", json=new, headers=auth(admin))
    assert created.status_code == 401
    assert "tokens go in the Authorization header" in created.json()["detail"]
    with runtime.sessions()() as session:
        assert session.query(User).filter_by(name=new["name"]).count() == 0
    for path in ("/api/me", "/api/shops/wuhan/conversations", "/api/shops/wuhan/events",
                 "/healthz", "/", "/docs", "/openapi.json", "/static/app.css", "/no-such-page"):
        response = client.get(path, params={name: admin}, headers=auth(admin))
        assert response.status_code == 401, path
        assert "tokens go in the Authorization header" in response.json()["detail"], path


def test_stream_tickets_are_for_the_users_own_shops_and_expire(
        client: TestClient, agent: Dict[str, str], tokens: Dict[str, str], clock: Clock) -> None:
    assert client.post("/api/shops/wuhan/events/ticket").status_code == 401
    refused = client.post("/api/shops/wuhan/events/ticket", headers=auth(tokens["agent-shanghai"]))
    assert refused.status_code == 403
    issued = client.post("/api/shops/wuhan/events/ticket", headers=agent)
    assert issued.status_code == 201
    body = issued.json()
    assert body["expires_in"] == 30 and len(body["ticket"]) >= 40
    assert body["ticket"] != client.post("/api/shops/wuhan/events/ticket", headers=agent).json()["ticket"]

    admin_ticket = client.post("/api/shops/wuhan/events/ticket", headers=auth(tokens["admin"]))
    wrong_shop = client.get("/api/shops/shanghai/events",
                            params={"ticket": admin_ticket.json()["ticket"]})
    assert wrong_shop.status_code == 401 and "ticket" in wrong_shop.json()["detail"]
    assert client.get("/api/shops/wuhan/events", params={"ticket": "made-up"}).status_code == 401
    assert client.get("/api/shops/wuhan/events").status_code == 401

    clock.set(clock.now + dt.timedelta(seconds=31))
    expired = client.get("/api/shops/wuhan/events", params={"ticket": body["ticket"]})
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]


def test_only_the_tickets_hash_is_stored(client: TestClient, agent: Dict[str, str]) -> None:
    ticket = client.post("/api/shops/wuhan/events/ticket", headers=agent).json()["ticket"]
    with runtime.sessions()() as session:
        stored = [row.ticket_hash for row in session.query(StreamTicket)]
    assert hashlib.sha256(ticket.encode()).hexdigest() in stored
    assert ticket not in stored
