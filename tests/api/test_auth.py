"""Tokens, roles and shops: agents see their own shop only; supervisor pages are refused to them."""

from __future__ import annotations

from typing import Dict

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth, new_id, send


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
