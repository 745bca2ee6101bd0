"""Any buyer text is stored exactly and answered; only malformed requests are refused,
with a reason, and they change nothing that is stored."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.store import runtime
from bot.store.service_models import BuyerMessage, Conversation
from tests.api.conftest import new_id, send

INVISIBLE = "\u200b\u200c\u200d\ufeff\ufe0f"
LONG_3000 = ("尺码是M还是L呢，" * 400)[:3000]
LONG_20000 = ("亲，这件外套有没有XL码的？<b>急</b> abc " * 800)[:20000]
# What a buyer may type: each is stored exactly as sent (NUL as U+FFFD) and answered.
BUYER_TEXTS: Dict[str, str] = {
    "invisible only": INVISIBLE,
    "one zero-width space": "\u200b",
    "emoji only": "😀👍🏻👨\u200d👩\u200d👧",
    "size in angle brackets": "<XL>",
    "sizes in angle brackets": "尺码是<M>还是<L>",
    "bold": "<b>急</b>",
    "line break tag": "你好<br>在吗",
    "img onerror": "<img/src=x/onerror=alert(1)>",
    "script": "<script>alert(1)</script>",
    "javascript url": "javascript:alert(1) 在吗",
    "3,000 characters": LONG_3000,
    "20,000 characters": LONG_20000,
    "21,000 Chinese characters (63 KB, just inside the body limit)": "好" * 21000,
    "NUL": "在吗\x00",
    "bell and escape": "在吗\x07\x1b[31m",
    "whitespace only": "   \n\t ",
    "leading and trailing space": "  什么时候发货  ",
    "Arabic and Chinese": "مرحبا 我的快递什么时候到",
    "Cyrillic and Chinese": "Здравствуйте 能便宜点吗",
    "Hangul and Chinese": "안녕하세요 我要退货",
    "Thai and Chinese": "สวัสดีครับ 有发票吗",
    "Devanagari and Chinese": "नमस्ते 在吗",
    "right-to-left override": "\u202e你好\u202c",
}


def stored_as(text: str) -> str:
    """What the service keeps: NUL (which PostgreSQL text cannot hold) becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


def history(client: TestClient, agent: Dict[str, str], conversation: str) -> Dict[str, Any]:
    response = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent)
    assert response.status_code == 200, response.text
    return response.json()


def buyer_texts(client: TestClient, agent: Dict[str, str], conversation: str) -> List[str]:
    return [entry["text"] for entry in history(client, agent, conversation)["timeline"]
            if entry["type"] == "buyer"]


def post_raw(client: TestClient, agent: Dict[str, str], conversation: str, body: Any,
             content_type: str = "application/json") -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return client.post(f"/api/shops/wuhan/conversations/{conversation}/messages",
                       content=content, headers={**agent, "Content-Type": content_type})


def counts() -> Dict[str, int]:
    with runtime.sessions()() as session:
        return {"messages": session.execute(select(func.count(BuyerMessage.id))).scalar_one(),
                "conversations": session.execute(select(func.count(Conversation.id))).scalar_one()}


@pytest.mark.parametrize("text", list(BUYER_TEXTS.values()), ids=list(BUYER_TEXTS))
def test_any_buyer_text_is_stored_exactly_and_answered(
        client: TestClient, agent: Dict[str, str], text: str) -> None:
    conversation = new_id()
    # sent as UTF-8 JSON, as the pages and chat systems do (20,000 Chinese characters: 60 KB)
    response = post_raw(client, agent, conversation,
                        {"client_message_id": new_id("m"), "text": text,
                         "buyer_id": "wuhan-paid_not_shipped"})
    assert response.status_code == 201, response.text
    message = response.json()["message"]
    assert message["text"] == stored_as(text)
    assert message["intent"]  # a parse, even with nothing to read
    assert all(isinstance(s["text"], str) and s["text"] for s in message["suggestions"])
    for entity in message["entities"]:  # offsets into the stored text
        assert message["text"][entity["start"]:entity["end"]], entity
    assert buyer_texts(client, agent, conversation) == [stored_as(text)]


def test_invisible_only_text_is_out_of_scope_not_an_error(client: TestClient,
                                                          agent: Dict[str, str]) -> None:
    message = send(client, agent, new_id(), INVISIBLE).json()["message"]
    assert message["intent"] == "nlu_fallback" and not message["degraded"]
    assert message["tokens"] == []


def test_a_long_message_is_read_through_its_beginning(client: TestClient,
                                                      agent: Dict[str, str]) -> None:
    text = "我的快递什么时候发货" + "！" * 5000 + "我要退货"
    message = send(client, agent, new_id(), text).json()["message"]
    assert message["text"] == text
    assert message["intent"] == "shipping_query"
    assert max((t["end"] for t in message["tokens"]), default=0) <= 500


def test_resending_a_nul_message_is_recognised_as_the_same(client: TestClient,
                                                           agent: Dict[str, str]) -> None:
    conversation, message_id = new_id(), new_id("m")
    first = send(client, agent, conversation, "在吗\x00", message_id=message_id)
    again = send(client, agent, conversation, "在吗\x00", message_id=message_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True


MALFORMED = {
    "not JSON": (b'{"client_message_id": "m1", "text": ', "application/json", 422),
    "JSON but not an object": (b'["in", "a", "list"]', "application/json", 422),
    "text is a number": ({"client_message_id": "m1", "text": 5}, "application/json", 422),
    "text is null": ({"client_message_id": "m1", "text": None}, "application/json", 422),
    "text is a list": ({"client_message_id": "m1", "text": ["在吗"]}, "application/json", 422),
    "text is missing": ({"client_message_id": "m1"}, "application/json", 422),
    "text is empty": ({"client_message_id": "m1", "text": ""}, "application/json", 422),
    "id is missing": ({"text": "在吗"}, "application/json", 422),
    "unknown field": ({"client_message_id": "m1", "text": "在吗", "x": 1}, "application/json", 422),
    "1 MB body": ({"client_message_id": "m1", "text": "好" * 350_000}, "application/json", 413),
}


@pytest.mark.parametrize("body, content_type, status", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_requests_are_refused_with_a_reason_and_change_nothing(
        client: TestClient, agent: Dict[str, str], body: Any, content_type: str,
        status: int) -> None:
    conversation = new_id()
    assert send(client, agent, conversation, "在吗").status_code == 201
    before, stored = counts(), history(client, agent, conversation)
    response = post_raw(client, agent, conversation, body, content_type)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert counts() == before
    assert history(client, agent, conversation) == stored


def test_a_body_over_64_kb_is_refused_before_parsing_even_if_its_length_lies(
        client: TestClient, agent: Dict[str, str]) -> None:
    before = counts()
    declared = client.post("/api/shops/wuhan/conversations/c-big/messages",
                           content=b"{" + b" " * 70_000 + b"}",
                           headers={**agent, "Content-Type": "application/json"})
    assert declared.status_code == 413 and "65536" in declared.json()["detail"]

    def chunks() -> Any:  # streamed without a Content-Length
        for _ in range(20):
            yield b" " * 8192

    streamed = client.post("/api/shops/wuhan/conversations/c-big/messages", content=chunks(),
                           headers={**agent, "Content-Type": "application/json"})
    assert streamed.status_code == 413 and "limit" in streamed.json()["detail"]
    assert counts() == before


def test_a_buyer_of_another_shop_is_refused_and_an_unknown_buyer_is_a_new_one(
        client: TestClient, agent: Dict[str, str]) -> None:
    before = counts()
    other = send(client, agent, new_id(), "在吗", buyer="shanghai-paid_not_shipped")
    assert other.status_code == 422
    assert "another shop" in other.json()["detail"]
    assert counts() == before
    new = send(client, agent, new_id(), "在吗", buyer="wuhan-first-time-buyer")
    assert new.status_code == 201, new.text
    assert new.json()["message"]["order_id"] is None


def test_should_the_nlu_fail_on_a_text_the_message_is_still_stored_and_answered(
        client: TestClient, agent: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> Dict[str, Any]:
        raise RuntimeError("a component failed")

    monkeypatch.setattr(client.app.state.assistant.nlu, "parse", broken)
    conversation = new_id()
    response = send(client, agent, conversation, "什么时候发货")
    assert response.status_code == 201, response.text
    message = response.json()["message"]
    assert message["intent"] == "nlu_fallback" and message["degraded"]
    assert "the NLU failed" in message["degraded_reason"]
    assert buyer_texts(client, agent, conversation) == ["什么时候发货"]


@pytest.mark.parametrize("text", [INVISIBLE, "😀", "   "])
def test_text_with_nothing_to_read_gets_asking_back_suggestions(
        client: TestClient, agent: Dict[str, str], text: str) -> None:
    """Invisible, emoji-only or blank: the agent is offered the 'could you say more' replies."""
    message = send(client, agent, new_id(), text).json()["message"]
    assert message["intent"] == "nlu_fallback" and not message["degraded"]
    assert message["suggestions"]
    assert {s["intent"] for s in message["suggestions"]} == {"nlu_fallback"}


@pytest.mark.parametrize("text, status, reason", [
    ("好的亲，<XL>码有货哦", 201, None),
    ("<b>已发货</b>", 201, None),
    ("   ", 422, "empty"),
    ("好" * 2001, 422, "limit is 2000"),
])
def test_agent_texts_keep_a_sane_check_and_markup_is_text(
        client: TestClient, agent: Dict[str, str], text: str, status: int,
        reason: Any) -> None:
    conversation = new_id()
    send(client, agent, conversation, "在吗")
    response = client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                           json={"text": text}, headers=agent)
    assert response.status_code == status, response.text
    if reason:
        assert reason in response.json()["detail"]
    else:
        sent = client.get(f"/api/shops/wuhan/conversations/{conversation}/replies",
                          headers=agent).json()["replies"]
        assert [r["text"] for r in sent] == [text]
