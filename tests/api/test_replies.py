"""Agents decide: approve, edit then send, reject with the right intent, or write their own."""

from __future__ import annotations

from typing import Dict

from fastapi.testclient import TestClient

from tests.api.conftest import auth, new_id, send


def suggestions(client: TestClient, agent: Dict[str, str], text: str) -> tuple:
    conversation = new_id()
    body = send(client, agent, conversation, text).json()
    return conversation, body["message"]["suggestions"]


def test_approving_sends_the_suggestion_and_records_who(client: TestClient,
                                                         agent: Dict[str, str]) -> None:
    conversation, options = suggestions(client, agent, "什么时候发货")
    chosen = options[0]
    response = client.post(f"/api/shops/wuhan/suggestions/{chosen['id']}/approve", headers=agent)
    assert response.status_code == 201, response.text
    reply = response.json()
    assert (reply["kind"], reply["text"], reply["approved_by"]) == (
        "approved", chosen["text"], "agent-wuhan")
    assert reply["original_text"] == chosen["text"] and reply["edit_ratio"] == 0
    sent = client.get(f"/api/shops/wuhan/conversations/{conversation}/replies", headers=agent)
    assert [r["text"] for r in sent.json()["replies"]] == [chosen["text"]]
    again = client.post(f"/api/shops/wuhan/suggestions/{chosen['id']}/approve", headers=agent)
    assert again.status_code == 409 and "already approved" in again.json()["detail"]
    assert len(client.get(f"/api/shops/wuhan/conversations/{conversation}/replies",
                          headers=agent).json()["replies"]) == 1


def test_edit_then_send_keeps_the_original(client: TestClient, agent: Dict[str, str]) -> None:
    _, options = suggestions(client, agent, "我要退货")
    edited = options[0]["text"] + "有问题随时联系我们哦"
    reply = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve",
                        json={"text": edited}, headers=agent).json()
    assert reply["kind"] == "edited" and reply["text"] == edited
    assert reply["original_text"] == options[0]["text"] and 0 < reply["edit_ratio"] < 1


def test_an_empty_edit_is_refused(client: TestClient, agent: Dict[str, str]) -> None:
    conversation, options = suggestions(client, agent, "在吗")
    response = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve",
                           json={"text": "  "}, headers=agent)
    assert response.status_code == 422 and "empty" in response.json()["detail"]
    history = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent).json()
    assert history["timeline"][0]["suggestions"][0]["status"] == "pending"
    assert client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve",
                       headers=agent).status_code == 201


def test_reject_with_the_right_intent(client: TestClient, agent: Dict[str, str]) -> None:
    conversation, options = suggestions(client, agent, "能便宜点吗")
    bad = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/reject",
                      json={"correct_intent": "no_such_intent"}, headers=agent)
    assert bad.status_code == 422 and "unknown intent" in bad.json()["detail"]
    response = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/reject",
                           json={"correct_intent": "product_query", "reason": "问的是材质"},
                           headers=agent)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["correct_intent"]) == (
        "rejected", "product_query")
    sent = client.get(f"/api/shops/wuhan/conversations/{conversation}/replies", headers=agent)
    assert sent.json()["replies"] == []


def test_free_text_reply_is_recorded(client: TestClient, agent: Dict[str, str]) -> None:
    conversation, _ = suggestions(client, agent, "在吗")
    response = client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                           json={"text": "在的亲，请问有什么可以帮您？"}, headers=agent)
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["approved_by"]) == ("free_text", "agent-wuhan")
    listing = client.get("/api/shops/wuhan/conversations", headers=agent).json()["conversations"]
    assert next(c for c in listing if c["id"] == conversation)["unread"] == 0


def test_supervisors_audit_every_sent_reply(client: TestClient, agent: Dict[str, str],
                                            tokens: Dict[str, str]) -> None:
    _, options = suggestions(client, agent, "发什么快递")
    client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve", headers=agent)
    audit = client.get("/api/shops/wuhan/audit/replies",
                       headers=auth(tokens["supervisor-wuhan"])).json()["replies"]
    assert audit[0]["suggestion_id"] == options[0]["id"]
    assert audit[0]["approved_by"] == "agent-wuhan"


def test_a_reply_with_an_off_platform_contact_is_blocked_with_the_reason(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation, options = suggestions(client, agent, "在吗")
    blocked = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve",
                          json={"text": "亲，加我微信聊吧，vx: shop123"}, headers=agent)
    assert blocked.status_code == 422
    body = blocked.json()
    assert body["detail"].startswith("reply blocked:") and "站外" in body["detail"]
    assert body["compliance"]["blocked"] is True
    free = client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                       json={"text": "有问题打我电话 138 1234 5678"}, headers=agent)
    assert free.status_code == 422
    sent = client.get(f"/api/shops/wuhan/conversations/{conversation}/replies", headers=agent)
    assert sent.json()["replies"] == []


def test_a_warning_needs_a_confirm_and_is_kept_with_the_reply(
        client: TestClient, agent: Dict[str, str]) -> None:
    _, options = suggestions(client, agent, "什么时候发货")
    text = "亲，保证明天到货哦"
    first = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve",
                        json={"text": text}, headers=agent)
    assert first.status_code == 409 and first.json()["needs_confirm"] is True
    confirmed = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve",
                            json={"text": text, "confirm": True}, headers=agent)
    assert confirmed.status_code == 201
    assert confirmed.json()["compliance"]["findings"][0]["severity"] == "warn"


def test_answering_a_message_closes_its_other_suggestions(client: TestClient,
                                                          agent: Dict[str, str]) -> None:
    conversation, options = suggestions(client, agent, "什么时候发货")
    assert len(options) > 1
    client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve", headers=agent)
    history = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent).json()
    statuses = [s["status"] for s in history["timeline"][0]["suggestions"]]
    assert statuses == ["approved"] + ["superseded"] * (len(options) - 1)
    assert history["pending_suggestions"] == 0
    late = client.post(f"/api/shops/wuhan/suggestions/{options[1]['id']}/approve", headers=agent)
    assert late.status_code == 409 and "superseded" in late.json()["detail"]
