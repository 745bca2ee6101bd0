"""Agents decide: approve, edit then send, reject with the right intent, or write their own."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

from fastapi.testclient import TestClient

from tests.api.conftest import Clock, auth, new_id, send


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


# -- the answer model: what a reply settles; handled and skip; repeated texts --------------

def conversation_with(client: TestClient, agent: Dict[str, str], *texts: str) -> tuple:
    conversation = new_id()
    ids = [send(client, agent, conversation, text).json()["message"]["id"] for text in texts]
    return conversation, ids


def history_of(client: TestClient, agent: Dict[str, str], conversation: str) -> Dict:
    return client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent).json()


def states(client: TestClient, agent: Dict[str, str], conversation: str) -> list:
    return [(item["state"], item["settled_by"], item["settled_by_reply_id"])
            for item in history_of(client, agent, conversation)["timeline"]
            if item["type"] == "buyer"]


def reply(client: TestClient, agent: Dict[str, str], conversation: str, text: str,
          **extra: Any) -> Any:
    return client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                       json={"text": text, **extra}, headers=agent)


def totals(client: TestClient, agent: Dict[str, str]) -> tuple:
    listing = client.get("/api/shops/wuhan/conversations", headers=agent).json()
    return listing["waiting_buyers"], listing["open_messages"]


def test_a_typed_reply_to_the_second_of_three_settles_the_first_two(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation, (m1, m2, m3) = conversation_with(client, agent, "在吗", "什么时候发货",
                                                   "发什么快递")
    summary = history_of(client, agent, conversation)
    assert (summary["open_messages"], summary["waiting"], summary["oldest_open_message_id"]) == (
        3, True, m1)
    response = reply(client, agent, conversation, "亲，今天就发哦", message_id=m2)
    assert response.status_code == 201, response.text
    sent = response.json()
    assert sent["answers_message_id"] == m2 and sent["settled_message_ids"] == [m1, m2]
    assert states(client, agent, conversation) == [("answered", "agent-wuhan", sent["id"]),
                                                   ("answered", "agent-wuhan", sent["id"]),
                                                   ("open", None, None)]
    summary = history_of(client, agent, conversation)
    assert (summary["open_messages"], summary["waiting"], summary["oldest_open_message_id"]) == (
        1, True, m3)
    buyers = [item for item in summary["timeline"] if item["type"] == "buyer"]
    assert {s["status"] for b in buyers[:2] for s in b["suggestions"]} == {"superseded"}
    assert {s["status"] for s in buyers[2]["suggestions"]} == {"pending"}
    assert summary["pending_suggestions"] == len(buyers[2]["suggestions"])
    late = reply(client, agent, conversation, "亲，在的", message_id=m1)
    assert late.status_code == 409
    assert late.json()["detail"] == f"message {m1} was already answered by agent-wuhan (reply {sent['id']})"


def test_without_a_message_id_a_reply_answers_the_latest_open_message_then_follows_up(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation, (m1, m2) = conversation_with(client, agent, "在吗", "什么时候发货")
    first = reply(client, agent, conversation, "亲，48小时内发货").json()
    assert first["answers_message_id"] == m2 and first["settled_message_ids"] == [m1, m2]
    follow_up = reply(client, agent, conversation, "还有其他问题吗？")
    assert follow_up.status_code == 201
    assert follow_up.json()["answers_message_id"] is None
    assert follow_up.json()["settled_message_ids"] == []
    assert history_of(client, agent, conversation)["waiting"] is False


def test_a_message_of_another_conversation_cannot_be_answered_here(
        client: TestClient, agent: Dict[str, str]) -> None:
    _, (elsewhere,) = conversation_with(client, agent, "在吗")
    conversation, _ = conversation_with(client, agent, "在吗")
    response = reply(client, agent, conversation, "亲，在的", message_id=elsewhere)
    assert response.status_code == 409 and "not a message of this conversation" in response.json()["detail"]
    assert states(client, agent, conversation) == [("open", None, None)]


def test_handled_and_skip_settle_one_message_without_a_reply(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation, (m1, m2) = conversation_with(client, agent, "什么时候发货", "👍")
    base = f"/api/shops/wuhan/conversations/{conversation}/messages"
    handled = client.post(f"{base}/{m1}/handled", json={"note": "电话里说过了"}, headers=agent)
    assert handled.status_code == 200, handled.text
    body = handled.json()
    assert (body["state"], body["settled_by"], body["settled_note"]) == (
        "handled", "agent-wuhan", "电话里说过了")
    assert body["settled_at"] and body["settled_by_reply_id"] is None
    assert {s["status"] for s in body["suggestions"]} == {"superseded"}
    skipped = client.post(f"{base}/{m2}/skip", headers=agent)
    assert skipped.status_code == 200 and skipped.json()["state"] == "skipped"
    again = client.post(f"{base}/{m1}/skip", headers=agent)
    assert again.status_code == 409
    assert again.json()["detail"] == f"message {m1} was already marked handled by agent-wuhan"
    assert again.json()["state"] == "handled"
    approve = client.post(f"/api/shops/wuhan/suggestions/{body['suggestions'][0]['id']}/approve",
                          headers=agent)
    assert approve.status_code == 409 and "superseded" in approve.json()["detail"]
    assert history_of(client, agent, conversation)["waiting"] is False
    assert client.get(f"/api/shops/wuhan/conversations/{conversation}/replies",
                      headers=agent).json()["replies"] == []
    assert client.post(f"{base}/999999999/handled", headers=agent).status_code == 404
    long_note = client.post(f"{base}/{m1}/handled", json={"note": "长" * 201}, headers=agent)
    assert long_note.status_code == 422


def test_rejecting_every_suggestion_leaves_the_buyer_waiting(client: TestClient,
                                                            agent: Dict[str, str]) -> None:
    conversation, options = suggestions(client, agent, "什么时候发货")
    for option in options:
        assert client.post(f"/api/shops/wuhan/suggestions/{option['id']}/reject",
                           headers=agent).status_code == 200
    assert history_of(client, agent, conversation)["waiting"] is True
    sent = reply(client, agent, conversation, "亲，今天下午就发").json()
    assert len(sent["settled_message_ids"]) == 1
    assert history_of(client, agent, conversation)["waiting"] is False


def test_a_suggestion_of_an_answered_message_cannot_be_rejected(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation, options = suggestions(client, agent, "什么时候发货")
    assert reply(client, agent, conversation, "亲，今天就发").status_code == 201
    late = client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/reject", headers=agent)
    assert late.status_code == 409
    assert "already answered by agent-wuhan" in late.json()["detail"]


def test_the_same_text_twice_within_two_minutes_needs_a_confirm(
        client: TestClient, agent: Dict[str, str], clock: Clock) -> None:
    conversation, _ = conversation_with(client, agent, "在吗")
    first = reply(client, agent, conversation, "亲，在的")
    assert first.status_code == 201
    again = reply(client, agent, conversation, "  亲，在的 ")
    assert again.status_code == 409
    assert again.json()["needs_confirm"] is True and again.json()["duplicate_of"] == first.json()["id"]
    assert "reply needs confirming" in again.json()["detail"]
    assert len(client.get(f"/api/shops/wuhan/conversations/{conversation}/replies",
                          headers=agent).json()["replies"]) == 1
    assert reply(client, agent, conversation, "亲，在的", confirm=True).status_code == 201
    clock.set(clock.now + dt.timedelta(seconds=121))
    assert reply(client, agent, conversation, "亲，在的").status_code == 201


def test_the_list_counts_waiting_buyers_not_suggestions(client: TestClient,
                                                       agent: Dict[str, str]) -> None:
    waiting, open_messages = totals(client, agent)
    conversation, (m1, _m2) = conversation_with(client, agent, "在吗", "什么时候发货")
    assert totals(client, agent) == (waiting + 1, open_messages + 2)
    client.post(f"/api/shops/wuhan/conversations/{conversation}/messages/{m1}/skip", headers=agent)
    assert totals(client, agent) == (waiting + 1, open_messages + 1)
    reply(client, agent, conversation, "亲，今天发货")
    assert totals(client, agent) == (waiting, open_messages)
    listed = client.get("/api/shops/wuhan/conversations", headers=agent).json()["conversations"]
    row = next(c for c in listed if c["id"] == conversation)
    assert (row["open_messages"], row["waiting"], row["oldest_open_message_id"]) == (0, False, None)
