"""Agents decide on suggestions made from the fake NLU's parse by the real actions:
approve, edit then send, reject, type their own; compliance refuses or asks to confirm."""

from __future__ import annotations

import sys
from typing import Any, Dict

from fastapi.testclient import TestClient

from tests.api_fast.conftest import (
    FakeNLU,
    auth,
    history,
    message,
    new_id,
    replies,
    send,
)


def approve(client: TestClient, headers: Dict[str, str], suggestion: int, **body: Any) -> Any:
    return client.post(f"/api/shops/wuhan/suggestions/{suggestion}/approve",
                       json=body or None, headers=headers)


def test_the_fake_nlu_is_what_answers_without_a_model(client: TestClient, app: Any,
                                                      agent: Dict[str, str],
                                                      nlu: FakeNLU) -> None:
    rasa_loaded = "rasa" in sys.modules  # another package of the same run may load it
    m = message(client, agent, "亲，我的快递什么时候发货呀")
    assert (m["intent"], m["confidence"]) == ("shipping_query", 0.93)
    assert nlu.seen[-1] == "亲，我的快递什么时候发货呀"
    assert app.state.assistant is None  # the lifespan loaded no model
    if not rasa_loaded:
        assert "rasa" not in sys.modules  # answering the message did not import Rasa


def test_a_question_gets_pending_suggestions_with_the_buyers_order_and_nothing_is_sent(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    response = send(client, agent, conversation, "什么时候发货")
    assert response.status_code == 201, response.text
    body = response.json()
    m = body["message"]
    assert m["order_id"] and len(m["suggestions"]) >= 2
    assert all(s["status"] == "pending" and s["intent"] == "shipping_query"
               for s in m["suggestions"])
    assert any(m["order_id"] in s["text"] for s in m["suggestions"])
    assert body["auto_reply"] is None and body["duplicate"] is False
    assert replies(client, agent, conversation) == []


def test_an_order_number_in_the_text_picks_the_order(client: TestClient,
                                                    agent: Dict[str, str]) -> None:
    conversation = new_id()
    first = send(client, agent, conversation, "你好，什么时候发货",
                 buyer="wuhan-several_open").json()["message"]
    assert first["order_id"] is None  # two open orders: the suggestions ask which one
    orders = client.get(f"/api/shops/wuhan/conversations/{conversation}/orders",
                        headers=agent).json()["orders"]
    number = orders[-1]["id"]
    second = send(client, agent, conversation, f"订单号{number}发货了吗",
                  buyer="wuhan-several_open").json()["message"]
    assert [e["value"] for e in second["entities"] if e["entity"] == "order_id"] == [number]
    assert second["order_id"] == number
    assert any(number in s["text"] for s in second["suggestions"])


def test_approving_sends_the_suggestion_once_and_names_who_decided_first(
        client: TestClient, agent: Dict[str, str], tokens: Dict[str, str]) -> None:
    m = message(client, agent, "什么时候发货")
    chosen = m["suggestions"][0]
    response = approve(client, agent, chosen["id"])
    assert response.status_code == 201, response.text
    sent = response.json()
    assert (sent["kind"], sent["text"], sent["approved_by"]) == (
        "approved", chosen["text"], "agent-wuhan")
    assert sent["edit_ratio"] == 0 and sent["settled_message_ids"] == [m["id"]]
    stored = replies(client, agent, m["conversation_id"])
    assert [(r["text"], r["suggestion_id"]) for r in stored] == [(chosen["text"], chosen["id"])]
    again = approve(client, auth(tokens["agent2-wuhan"]), chosen["id"])
    assert again.status_code == 409
    assert "already approved by agent-wuhan" in again.json()["detail"]
    assert again.json()["decided_by"] == "agent-wuhan"
    assert len(replies(client, agent, m["conversation_id"])) == 1


def test_approving_one_suggestion_supersedes_the_others(client: TestClient,
                                                        agent: Dict[str, str]) -> None:
    m = message(client, agent, "发什么快递")
    options = m["suggestions"]
    assert approve(client, agent, options[0]["id"]).status_code == 201
    timeline = history(client, agent, m["conversation_id"])["timeline"]
    assert [s["status"] for s in timeline[0]["suggestions"]] == (
        ["approved"] + ["superseded"] * (len(options) - 1))
    late = approve(client, agent, options[1]["id"])
    assert late.status_code == 409 and "superseded" in late.json()["detail"]


def test_edit_then_send_keeps_the_original(client: TestClient, agent: Dict[str, str]) -> None:
    m = message(client, agent, "我要退货")
    assert m["intent"] == "refund"
    original = m["suggestions"][0]
    edited = original["text"] + "有问题随时联系我们哦"
    response = approve(client, agent, original["id"], text=edited)
    assert response.status_code == 201, response.text
    sent = response.json()
    assert (sent["kind"], sent["text"], sent["original_text"]) == (
        "edited", edited, original["text"])
    assert 0 < sent["edit_ratio"] < 1
    assert [r["text"] for r in replies(client, agent, m["conversation_id"])] == [edited]
    status = history(client, agent, m["conversation_id"])["timeline"][0]["suggestions"][0]
    assert (status["status"], status["decided_by"]) == ("edited", "agent-wuhan")


def test_an_empty_edit_is_refused_and_the_suggestion_stays_pending(
        client: TestClient, agent: Dict[str, str]) -> None:
    m = message(client, agent, "在吗")
    response = approve(client, agent, m["suggestions"][0]["id"], text="   ")
    assert response.status_code == 422 and "empty" in response.json()["detail"]
    timeline = history(client, agent, m["conversation_id"])["timeline"]
    assert timeline[0]["suggestions"][0]["status"] == "pending"
    assert replies(client, agent, m["conversation_id"]) == []


def test_reject_records_the_right_intent_and_leaves_the_buyer_waiting(
        client: TestClient, agent: Dict[str, str]) -> None:
    m = message(client, agent, "能便宜点吗")
    suggestion = m["suggestions"][0]["id"]
    bad = client.post(f"/api/shops/wuhan/suggestions/{suggestion}/reject",
                      json={"correct_intent": "no_such_intent"}, headers=agent)
    assert bad.status_code == 422 and "unknown intent" in bad.json()["detail"]
    response = client.post(f"/api/shops/wuhan/suggestions/{suggestion}/reject",
                           json={"correct_intent": "product_query", "reason": "问的是材质"},
                           headers=agent)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["correct_intent"], body["decided_by"]) == (
        "rejected", "product_query", "agent-wuhan")
    assert replies(client, agent, m["conversation_id"]) == []
    assert history(client, agent, m["conversation_id"])["waiting"] is True


def test_a_typed_reply_is_sent_and_settles_the_message(client: TestClient,
                                                       agent: Dict[str, str]) -> None:
    m = message(client, agent, "你好")
    conversation = m["conversation_id"]
    response = client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                           json={"text": "在的亲，请问有什么可以帮您？"}, headers=agent)
    assert response.status_code == 201, response.text
    sent = response.json()
    assert (sent["kind"], sent["approved_by"], sent["suggestion_id"]) == (
        "free_text", "agent-wuhan", None)
    assert sent["settled_message_ids"] == [m["id"]]
    assert [r["text"] for r in replies(client, agent, conversation)] == ["在的亲，请问有什么可以帮您？"]
    summary = history(client, agent, conversation)
    assert summary["waiting"] is False and summary["pending_suggestions"] == 0
    assert summary["timeline"][0]["state"] == "answered"


def test_an_edit_with_a_wechat_contact_is_blocked_with_the_reason(
        client: TestClient, agent: Dict[str, str]) -> None:
    m = message(client, agent, "在吗")
    blocked = approve(client, agent, m["suggestions"][0]["id"], text="亲，加我V 信聊吧：shop123")
    assert blocked.status_code == 422, blocked.text
    body = blocked.json()
    assert body["detail"].startswith("reply blocked:") and "站外" in body["detail"]
    assert body["compliance"]["blocked"] is True
    assert body["compliance"]["findings"][0]["rule_id"] == "contact_im"
    assert replies(client, agent, m["conversation_id"]) == []
    timeline = history(client, agent, m["conversation_id"])["timeline"]
    assert timeline[0]["suggestions"][0]["status"] == "pending"


def test_a_typed_reply_with_a_phone_number_is_blocked(client: TestClient,
                                                      agent: Dict[str, str]) -> None:
    m = message(client, agent, "太差了我要投诉")
    assert m["intent"] == "complaint"
    response = client.post(f"/api/shops/wuhan/conversations/{m['conversation_id']}/replies",
                           json={"text": "有问题打我电话 138 1234 5678", "confirm": True},
                           headers=agent)
    assert response.status_code == 422
    assert [f["rule_id"] for f in response.json()["compliance"]["findings"]] == ["contact_phone"]
    assert replies(client, agent, m["conversation_id"]) == []
    assert history(client, agent, m["conversation_id"])["waiting"] is True


def test_a_warning_needs_a_confirm_then_is_kept_with_the_reply(client: TestClient,
                                                              agent: Dict[str, str]) -> None:
    m = message(client, agent, "什么时候发货")
    text = "亲，保证明天到货哦"
    first = approve(client, agent, m["suggestions"][0]["id"], text=text)
    assert first.status_code == 409, first.text
    assert first.json()["needs_confirm"] is True
    assert first.json()["detail"].startswith("reply needs confirming:")
    assert replies(client, agent, m["conversation_id"]) == []
    confirmed = approve(client, agent, m["suggestions"][0]["id"], text=text, confirm=True)
    assert confirmed.status_code == 201, confirmed.text
    stored = replies(client, agent, m["conversation_id"])
    assert [r["text"] for r in stored] == [text]
    findings = stored[0]["compliance"]["findings"]
    assert [(f["rule_id"], f["severity"]) for f in findings] == [("promise_overreach", "warn")]


def test_a_typed_reply_with_a_warning_needs_a_confirm_too(client: TestClient,
                                                         agent: Dict[str, str]) -> None:
    m = message(client, agent, "我要退款")
    url = f"/api/shops/wuhan/conversations/{m['conversation_id']}/replies"
    text = "亲，一定今天给您退款"
    first = client.post(url, json={"text": text}, headers=agent)
    assert first.status_code == 409 and first.json()["needs_confirm"] is True
    assert replies(client, agent, m["conversation_id"]) == []
    second = client.post(url, json={"text": text, "confirm": True}, headers=agent)
    assert second.status_code == 201, second.text
    assert second.json()["compliance"]["findings"][0]["severity"] == "warn"
    assert [r["kind"] for r in replies(client, agent, m["conversation_id"])] == ["free_text"]
