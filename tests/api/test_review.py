"""The review queue: what lands in it, relabelling, and the training-data export."""

from __future__ import annotations

import re
from typing import Dict

import yaml
from fastapi.testclient import TestClient

from tests.api.conftest import auth, new_id, send


def queued(client: TestClient, headers: Dict[str, str], **params: str) -> Dict:
    response = client.get("/api/shops/wuhan/review", params={"status": "all", **params},
                          headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def item_for(body: Dict, message_id: int) -> Dict:
    return next(i for i in body["items"] if i["message"]["id"] == message_id)


def test_rejected_and_corrected_messages_are_queued_with_tokens(
        client: TestClient, agent: Dict[str, str], tokens: Dict[str, str]) -> None:
    supervisor = auth(tokens["supervisor-wuhan"])
    body = send(client, agent, new_id(), "订单号2398471029384756123能便宜点吗").json()
    message = body["message"]
    suggestion = message["suggestions"][0]["id"]
    client.post(f"/api/shops/wuhan/suggestions/{suggestion}/reject",
                json={"correct_intent": "product_query"}, headers=agent)
    item = item_for(queued(client, supervisor, reason="corrected"), message["id"])
    assert set(item["reasons"]) >= {"rejected", "corrected"}
    assert item["suggestion"]["correct_intent"] == "product_query"
    assert "".join(t["text"] for t in item["message"]["tokens"]) == message["text"]
    assert any(e["entity"] == "order_id" for e in item["message"]["entities"])
    assert item["message"]["ranking"][0]["name"] == message["intent"]


def test_out_of_scope_messages_are_queued_as_fallback(client: TestClient, agent: Dict[str, str],
                                                      tokens: Dict[str, str]) -> None:
    message = send(client, agent, new_id(), "你们老板今天心情好吗哈哈哈").json()["message"]
    body = queued(client, auth(tokens["supervisor-wuhan"]), reason="fallback")
    if message["intent"] == "nlu_fallback":
        assert item_for(body, message["id"])["reasons"] == ["fallback"]
    assert all("fallback" in i["reasons"] for i in body["items"])
    assert body["counts"]["fallback"] >= len(body["items"])


def test_relabel_with_entities_then_export(client: TestClient, agent: Dict[str, str],
                                           tokens: Dict[str, str]) -> None:
    supervisor = auth(tokens["supervisor-wuhan"])
    text = "165斤穿什么码，电话13812345678"
    message = send(client, agent, new_id(), text).json()["message"]
    bad = client.post(f"/api/shops/wuhan/review/{message['id']}",
                      json={"action": "relabel", "intent": "no_such"}, headers=supervisor)
    assert bad.status_code == 422
    outside = client.post(f"/api/shops/wuhan/review/{message['id']}",
                          json={"action": "relabel", "intent": "size_query",
                                "entities": [{"entity": "weight", "start": 0, "end": 99}]},
                          headers=supervisor)
    assert outside.status_code == 422 and "inside the message" in outside.json()["detail"]
    done = client.post(f"/api/shops/wuhan/review/{message['id']}",
                       json={"action": "relabel", "intent": "size_query",
                             "entities": [{"entity": "weight", "start": 0, "end": 4}]},
                       headers=supervisor)
    assert done.status_code == 200
    assert done.json()["entities"] == [{"entity": "weight", "start": 0, "end": 4, "value": "165斤"}]
    assert message["id"] not in [i["message"]["id"] for i in
                                 client.get("/api/shops/wuhan/review", headers=supervisor)
                                 .json()["items"]]
    export = client.get("/api/shops/wuhan/review/export", headers=supervisor)
    assert export.status_code == 200
    data = yaml.safe_load(export.text)
    examples = next(block["examples"] for block in data["nlu"] if block["intent"] == "size_query")
    # the wording kept, the phone replaced by a fake mobile (bot/privacy/fake.py)
    assert re.search(r"^- \[165斤\]\(weight\)穿什么码，电话1[3-9]\d{9}$", examples, re.M), examples
    assert "13812345678" not in export.text


def test_dismissed_messages_are_not_exported(client: TestClient, agent: Dict[str, str],
                                             tokens: Dict[str, str]) -> None:
    supervisor = auth(tokens["supervisor-wuhan"])
    message = send(client, agent, new_id(), "嗯嗯嗯嗯嗯嗯好的好的").json()["message"]
    response = client.post(f"/api/shops/wuhan/review/{message['id']}",
                           json={"action": "dismiss"}, headers=supervisor)
    assert response.json()["status"] == "dismissed"
    assert "嗯嗯嗯嗯嗯嗯好的好的" not in client.get("/api/shops/wuhan/review/export",
                                                 headers=supervisor).text


def test_the_review_queue_is_for_supervisors_of_the_shop(client: TestClient, agent: Dict[str, str],
                                                         tokens: Dict[str, str]) -> None:
    assert client.get("/api/shops/wuhan/review", headers=agent).status_code == 403
    assert client.get("/api/shops/shanghai/review",
                      headers=auth(tokens["supervisor-wuhan"])).status_code == 403
    assert client.get("/api/models", headers=agent).status_code == 403
    assert client.post("/api/models/retrain", headers=agent).status_code == 403
    other = send(client, auth(tokens["agent-shanghai"]), new_id(), "在吗", shop="shanghai",
                 buyer="shanghai-none").json()["message"]
    assert client.post(f"/api/shops/wuhan/review/{other['id']}", json={"action": "dismiss"},
                       headers=auth(tokens["supervisor-wuhan"])).status_code == 404


def test_no_phone_number_leaves_the_review_api(client: TestClient, agent: Dict[str, str],
                                               tokens: Dict[str, str]) -> None:
    supervisor = auth(tokens["supervisor-wuhan"])
    text = "我电话13812345678改一下地址"
    message = send(client, agent, new_id(), text).json()["message"]
    assert any(e["entity"] == "phone" for e in message["entities"])
    start = text.index("138")
    decided = client.post(f"/api/shops/wuhan/review/{message['id']}",
                          json={"action": "relabel", "intent": "change_order",
                                "entities": [{"entity": "phone", "start": start, "end": start + 11}]},
                          headers=supervisor)
    listing = client.get("/api/shops/wuhan/review", params={"status": "all"}, headers=supervisor)
    audit = client.get("/api/shops/wuhan/audit/replies", headers=supervisor)
    for body in (decided.text, listing.text, audit.text):
        assert "13812345678" not in body and "12345678" not in body
