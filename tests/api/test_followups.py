"""The one turn path with the trained model: a follow-up carries the previous turn's topic
with the new place, the item in view comes from the message's metadata, an angry buyer
gets an apology first and the conversation is flagged, and a malformed item id is a 422."""

from __future__ import annotations

from typing import Any, Dict

from fastapi.testclient import TestClient

from tests.api.conftest import new_id, send


def post(client: TestClient, agent: Dict[str, str], conversation: str, text: str,
         **body: Any) -> Any:
    return client.post(f"/api/shops/wuhan/conversations/{conversation}/messages",
                       json={"client_message_id": new_id("m"), "text": text, **body},
                       headers=agent)


def test_a_courier_follow_up_keeps_the_place_and_answers_with_the_official_rate(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    send(client, agent, conversation, "发新疆运费多少", buyer="wuhan-none")
    m = send(client, agent, conversation, "顺丰呢", buyer="wuhan-none").json()["message"]
    assert m["context"]["subtopic"] == "fee" and "顺丰" in m["context"]["carried"]
    first = m["suggestions"][0]["text"]
    assert "顺丰" in first and "15元" not in first  # not the table's figure for 新疆


def test_the_context_ends_when_the_buyer_changes_the_subject(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    send(client, agent, conversation, "发新疆运费多少", buyer="wuhan-none")
    m = send(client, agent, conversation, "你们家的保温杯是304不锈钢的吗",
             buyer="wuhan-none").json()["message"]
    assert m["intent"] == "product_query" and not m["context"].get("carried")


def test_an_angry_buyer_gets_an_apology_first_and_a_flag(client: TestClient,
                                                         agent: Dict[str, str]) -> None:
    m = send(client, agent, new_id(), "付款两天了还不发😤",
             buyer="wuhan-paid_overdue").json()["message"]
    assert m["escalate"] and m["context"]["mood"]["angry"]
    assert any(w in m["suggestions"][0]["text"] for w in ("抱歉", "对不起", "不好意思"))


def test_an_item_id_that_is_not_a_number_is_refused_and_nothing_is_stored(
        client: TestClient, agent: Dict[str, str]) -> None:
    conversation = new_id()
    response = post(client, agent, conversation, "这个有货吗", metadata={"item_id": "abc"})
    assert response.status_code == 422
    assert client.get(f"/api/shops/wuhan/conversations/{conversation}",
                      headers=agent).status_code == 404
