"""The agent console in headless Chromium: live messages and suggestions, approve,
edit-then-send, reject, compliance blocks and warnings, the order card, shortcuts.
(Which message the panel answers, 已处理 / 跳过 and the counts: test_answer_model.py.)

Buyer messages are posted with the in-process ``client``; the page talks to the live
app over HTTP. Both share one database, and live events travel through Redis.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.api.browser.conftest import item, open_console, screenshot
from tests.api.conftest import SHANGHAI, Clock, new_id, send

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]

PAID = "wuhan-paid_not_shipped"
SHIPPED = "wuhan-shipped_in_transit"




# ---- helpers ---------------------------------------------------------------------------



def open_conversation(page: Any, conversation: str) -> None:
    item(page, conversation).click()
    expect(item(page, conversation)).to_have_class(re.compile(r"\bactive\b"))
    expect(page.get_by_test_id("chat")).to_have_attribute("data-conversation-id", conversation)


def card(page: Any, suggestion: Dict[str, Any]) -> Any:
    return page.locator(f'[data-testid="suggestion"][data-suggestion-id="{suggestion["id"]}"]')


def replies(client: TestClient, agent: Dict[str, str], conversation: str) -> List[Dict[str, Any]]:
    response = client.get(f"/api/shops/wuhan/conversations/{conversation}/replies", headers=agent)
    assert response.status_code == 200, response.text
    return response.json()["replies"]


def suggestion_state(client: TestClient, agent: Dict[str, str], conversation: str,
                     suggestion_id: int) -> Dict[str, Any]:
    history = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent).json()
    return next(s for entry in history["timeline"] if entry["type"] == "buyer"
                for s in entry["suggestions"] if s["id"] == suggestion_id)


def opened(page: Any, client: TestClient, agent: Dict[str, str], tokens: Dict[str, str],
           text: str = "什么时候发货", buyer: str = PAID) -> tuple:
    """A new conversation with one buyer message, open in the console with its suggestions."""
    conversation = new_id()
    response = send(client, agent, conversation, text, buyer=buyer)
    assert response.status_code == 201, response.text
    options = response.json()["message"]["suggestions"]
    assert options, f"no suggestions for {text!r}"
    open_console(page, tokens)
    open_conversation(page, conversation)
    expect(page.get_by_test_id("suggestion")).to_have_count(len(options))
    return conversation, options


# ---- tests ---------------------------------------------------------------------------------


def test_messages_and_suggestions_arrive_live(page: Any, client: TestClient, agent: Dict[str, str],
                                              tokens: Dict[str, str]) -> None:
    open_console(page, tokens)
    page.evaluate("window.__notReloaded = true")
    conversation = new_id()
    first = send(client, agent, conversation, "什么时候发货").json()["message"]

    row = item(page, conversation)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("conversation-preview")).to_have_text("什么时候发货")
    expect(row.get_by_test_id("conversation-intent")).to_have_attribute("data-intent", "shipping_query")
    expect(row.get_by_test_id("conversation-intent")).to_have_text("物流/发货")
    expect(row.get_by_test_id("unread-badge")).to_have_text("1")
    expect(row.get_by_test_id("open-badge")).to_have_text("未回复 1")
    listing = client.get("/api/shops/wuhan/conversations?limit=100", headers=agent).json()
    expect(page.get_by_test_id("conversation-item")).to_have_count(len(listing["conversations"]))
    assert page.get_by_test_id("conversation-item").evaluate_all(
        "nodes => nodes.map(n => n.dataset.conversationId)") == [
        c["id"] for c in listing["conversations"]]  # the API's order: most recent first

    open_conversation(page, conversation)
    expect(row.get_by_test_id("unread-badge")).to_have_count(0)  # opening marks it read
    expect(page.get_by_test_id("chat-buyer")).to_have_count(1)
    expect(page.get_by_test_id("target-text")).to_have_text("什么时候发货")
    expect(page.get_by_test_id("suggestion-text")).to_have_text([s["text"] for s in first["suggestions"]])

    # a second message while the conversation is open: the chat follows without reload;
    # the panel stays on the oldest open message (it does not skip ahead on its own)
    second = send(client, agent, conversation, "我要退货").json()["message"]
    expect(page.get_by_test_id("chat-buyer")).to_have_count(2)
    expect(page.get_by_test_id("chat-buyer").last).to_contain_text("我要退货")
    expect(row.get_by_test_id("conversation-preview")).to_have_text("我要退货")
    expect(row.get_by_test_id("open-badge")).to_have_text("未回复 2")
    expect(page.get_by_test_id("target-text")).to_have_text("什么时候发货")
    expect(page.get_by_test_id("suggestion-text")).to_have_text([s["text"] for s in first["suggestions"]])
    # the agent clicks the second one: the panel shows its suggestions
    page.get_by_test_id("chat-buyer").last.click()
    expect(page.get_by_test_id("target-text")).to_have_text("我要退货")
    expect(page.get_by_test_id("suggestion-text")).to_have_text([s["text"] for s in second["suggestions"]])
    confidence = f"{round(second['confidence'] * 100)}%"
    expect(page.get_by_test_id("suggestion-confidence").first).to_contain_text(confidence)
    expect(page.get_by_test_id("suggestion-intent").first).to_have_attribute(
        "data-intent", second["suggestions"][0]["intent"])

    # a reply sent elsewhere (another agent, the API) shows up too
    other = client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                        json={"text": "好的亲，这边帮您看一下"}, headers=agent)
    assert other.status_code == 201, other.text
    expect(page.get_by_test_id("chat-reply")).to_have_text([re.compile("好的亲，这边帮您看一下")])
    expect(page.get_by_test_id("no-open-message")).to_be_visible()  # it answered the latest: both settled
    expect(row.get_by_test_id("open-badge")).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True


def test_conversation_with_suggestions_and_order_card(page: Any, client: TestClient,
                                                      agent: Dict[str, str],
                                                      tokens: Dict[str, str]) -> None:
    conversation = new_id()
    first = send(client, agent, conversation, "到哪了", buyer=SHIPPED).json()["message"]
    assert client.post(f"/api/shops/wuhan/suggestions/{first['suggestions'][0]['id']}/approve",
                       headers=agent).status_code == 201
    latest = send(client, agent, conversation, "快递怎么还没到", buyer=SHIPPED).json()["message"]
    order = client.get(f"/api/shops/wuhan/conversations/{conversation}/orders",
                       headers=agent).json()["orders"][0]

    open_console(page, tokens)
    open_conversation(page, conversation)
    expect(page.get_by_test_id("chat-buyer")).to_have_count(2)
    expect(page.get_by_test_id("chat-reply")).to_have_count(1)
    expect(page.get_by_test_id("chat-reply")).to_have_attribute("data-kind", "approved")
    expect(page.get_by_test_id("target-text")).to_have_text("快递怎么还没到")
    expect(page.get_by_test_id("suggestion")).to_have_count(len(latest["suggestions"]))

    order_card = page.get_by_test_id("order-card")
    expect(order_card).to_have_count(1)
    expect(order_card.get_by_test_id("order-status")).to_have_text(order["status_label"])
    expect(order_card.get_by_test_id("order-item")).to_contain_text([order["items"][0]["title"]])
    expect(order_card.get_by_test_id("order-tracking")).to_contain_text(order["tracking_no"])
    expect(order_card.get_by_test_id("order-tracking")).to_contain_text(order["courier"])
    expect(order_card.get_by_test_id("order-receiver")).to_have_text(order["receiver"])
    expect(order_card.get_by_test_id("order-phone")).to_have_text(order["phone"])
    expect(order_card.get_by_test_id("order-address")).to_contain_text(order["address"])
    assert "*" in order["phone"] and "*" in order["address"]  # the API masks them; the page shows that
    expect(page.get_by_test_id("shortcut-hint")).to_be_visible()
    screenshot(page, "console")


def test_approve_sends_the_suggestion(page: Any, client: TestClient, agent: Dict[str, str],
                                      tokens: Dict[str, str]) -> None:
    conversation, options = opened(page, client, agent, tokens)
    card(page, options[0]).get_by_test_id("approve").click()

    reply = page.get_by_test_id("chat-reply")
    expect(reply).to_have_count(1)
    expect(reply.get_by_test_id("chat-text")).to_have_text(options[0]["text"])
    expect(reply).to_have_attribute("data-kind", "approved")
    expect(reply).to_contain_text("agent-wuhan")
    expect(page.get_by_test_id("no-open-message")).to_have_text(re.compile("没有待回复的消息"))  # answered
    expect(page.get_by_test_id("chat-buyer")).to_have_attribute("data-state", "answered")
    sent = replies(client, agent, conversation)
    assert [(r["kind"], r["text"], r["approved_by"]) for r in sent] == [
        ("approved", options[0]["text"], "agent-wuhan")]


def test_edit_then_send_sends_the_edited_text(page: Any, client: TestClient, agent: Dict[str, str],
                                              tokens: Dict[str, str]) -> None:
    conversation, options = opened(page, client, agent, tokens, text="我要退货")
    chosen = card(page, options[0])
    chosen.get_by_test_id("edit").click()
    box = chosen.get_by_test_id("edit-text")
    expect(box).to_have_value(options[0]["text"])
    edited = options[0]["text"] + "有问题随时联系我们哦"
    box.fill(edited)
    chosen.get_by_test_id("send-edited").click()

    reply = page.get_by_test_id("chat-reply")
    expect(reply).to_have_count(1)
    expect(reply.get_by_test_id("chat-text")).to_have_text(edited)
    expect(reply).to_have_attribute("data-kind", "edited")
    sent = replies(client, agent, conversation)
    assert [(r["kind"], r["text"], r["original_text"], r["approved_by"]) for r in sent] == [
        ("edited", edited, options[0]["text"], "agent-wuhan")]


def test_reject_with_the_correct_intent(page: Any, client: TestClient, agent: Dict[str, str],
                                        tokens: Dict[str, str]) -> None:
    conversation, options = opened(page, client, agent, tokens, text="能便宜点吗")
    chosen = card(page, options[0])
    chosen.get_by_test_id("reject").click()
    chosen.get_by_test_id("reject-intent").select_option("product_query")
    chosen.get_by_test_id("reject-reason").fill("问的是材质")
    chosen.get_by_test_id("confirm-reject").click()

    expect(chosen).to_have_count(0)
    expect(page.get_by_test_id("suggestion")).to_have_count(len(options) - 1)
    decided = suggestion_state(client, agent, conversation, options[0]["id"])
    assert (decided["status"], decided["correct_intent"], decided["decided_by"]) == (
        "rejected", "product_query", "agent-wuhan")
    assert replies(client, agent, conversation) == []
    expect(page.get_by_test_id("chat-reply")).to_have_count(0)


def test_compliance_block_shows_the_reason_and_sends_nothing(page: Any, client: TestClient,
                                                             agent: Dict[str, str],
                                                             tokens: Dict[str, str]) -> None:
    conversation, options = opened(page, client, agent, tokens)
    chosen = card(page, options[0])
    chosen.get_by_test_id("edit").click()
    chosen.get_by_test_id("edit-text").fill("亲，加我微信聊吧，发货更快")
    chosen.get_by_test_id("send-edited").click()

    error = page.get_by_test_id("compliance-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("不能引导买家到站外联系")
    expect(error).to_contain_text("未发送")
    # the edit stays open with the text, for the agent to fix
    expect(chosen.get_by_test_id("edit-text")).to_have_value("亲，加我微信聊吧，发货更快")
    expect(page.get_by_test_id("chat-reply")).to_have_count(0)
    screenshot(page, "console-compliance")
    assert replies(client, agent, conversation) == []
    assert suggestion_state(client, agent, conversation, options[0]["id"])["status"] == "pending"


def test_compliance_warning_needs_a_confirm(page: Any, client: TestClient, agent: Dict[str, str],
                                            tokens: Dict[str, str]) -> None:
    conversation, options = opened(page, client, agent, tokens)
    chosen = card(page, options[0])
    chosen.get_by_test_id("edit").click()
    text = "亲，保证明天到货哦"
    chosen.get_by_test_id("edit-text").fill(text)
    chosen.get_by_test_id("send-edited").click()

    warning = page.get_by_test_id("compliance-warning")
    expect(warning).to_contain_text("不要承诺政策以外的结果")
    assert replies(client, agent, conversation) == []
    warning.get_by_test_id("confirm-send").click()

    expect(page.get_by_test_id("chat-reply").get_by_test_id("chat-text")).to_have_text([text])
    expect(warning).to_have_count(0)
    sent = replies(client, agent, conversation)
    assert [(r["kind"], r["text"]) for r in sent] == [("edited", text)]
    assert sent[0]["compliance"] is not None  # the confirmed warning is kept with the reply


def test_free_text_reply(page: Any, client: TestClient, agent: Dict[str, str],
                         tokens: Dict[str, str]) -> None:
    conversation, _ = opened(page, client, agent, tokens, text="在吗")
    page.keyboard.press("/")
    box = page.get_by_test_id("free-text")
    expect(box).to_be_focused()
    box.fill("有事加我v信")
    box.press("Enter")
    expect(page.get_by_test_id("composer").get_by_test_id("compliance-error")).to_contain_text(
        "不能引导买家到站外联系")
    expect(box).to_have_value("有事加我v信")  # kept, to be fixed
    assert replies(client, agent, conversation) == []
    box.fill("在的亲，请问有什么可以帮您？")
    box.press("Enter")

    reply = page.get_by_test_id("chat-reply")
    expect(reply).to_have_attribute("data-kind", "free_text")
    expect(reply.get_by_test_id("chat-text")).to_have_text("在的亲，请问有什么可以帮您？")
    expect(box).to_have_value("")
    expect(page.get_by_test_id("compliance-error")).to_have_count(0)
    assert [(r["kind"], r["approved_by"]) for r in replies(client, agent, conversation)] == [
        ("free_text", "agent-wuhan")]


def test_keyboard_shortcuts(page: Any, client: TestClient, agent: Dict[str, str],
                            tokens: Dict[str, str]) -> None:
    other = new_id()
    send(client, agent, other, "在吗")
    conversation, options = opened(page, client, agent, tokens)
    expect(page.get_by_test_id("shortcut-hint")).to_contain_text("1/2/3")

    page.keyboard.press("1")
    reply = page.get_by_test_id("chat-reply")
    expect(reply.get_by_test_id("chat-text")).to_have_text(options[0]["text"])
    expect(reply).to_have_attribute("data-kind", "approved")
    assert [(r["kind"], r["text"], r["approved_by"]) for r in replies(client, agent, conversation)] == [
        ("approved", options[0]["text"], "agent-wuhan")]

    # e edits the first suggestion of the next message, Esc leaves; r opens the reject form
    follow_up = send(client, agent, conversation, "我要退货").json()["message"]["suggestions"]
    expect(page.get_by_test_id("suggestion-text").first).to_have_text(follow_up[0]["text"])
    page.keyboard.press("e")
    expect(card(page, follow_up[0]).get_by_test_id("edit-text")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("edit-text")).to_have_count(0)
    page.keyboard.press("r")
    expect(card(page, follow_up[0]).get_by_test_id("reject-intent")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("reject-intent")).to_have_count(0)

    # j / k move through the list
    ids = page.get_by_test_id("conversation-item").evaluate_all(
        "nodes => nodes.map(n => n.dataset.conversationId)")
    here = ids.index(conversation)
    neighbour = ids[here + 1] if here + 1 < len(ids) else ids[here - 1]
    page.keyboard.press("j" if here + 1 < len(ids) else "k")
    expect(page.get_by_test_id("chat")).to_have_attribute("data-conversation-id", neighbour)
    page.keyboard.press("k" if here + 1 < len(ids) else "j")
    expect(page.get_by_test_id("chat")).to_have_attribute("data-conversation-id", conversation)
    assert len(replies(client, agent, conversation)) == 1  # nothing else was sent


def test_offhours_auto_reply_is_marked(page: Any, client: TestClient, agent: Dict[str, str],
                                       tokens: Dict[str, str], clock: Clock) -> None:
    clock.set(dt.datetime(2026, 11, 25, 1, 30, tzinfo=SHANGHAI))
    conversation = new_id()
    body = send(client, agent, conversation, "什么时候发货").json()
    assert body["auto_reply"] is not None
    open_console(page, tokens)
    row = item(page, conversation)
    expect(row.get_by_test_id("offhours-badge")).to_have_text("夜间已自动回复")
    open_conversation(page, conversation)
    auto = page.get_by_test_id("chat-reply")
    expect(auto).to_have_attribute("data-kind", "auto_offhours")
    expect(auto.get_by_test_id("auto-reply-badge")).to_have_text("自动回复")
    expect(auto.get_by_test_id("chat-text")).to_have_text(body["auto_reply"]["text"])
    # the agent still gets the suggestions for when they answer
    expect(page.get_by_test_id("suggestion")).to_have_count(len(body["message"]["suggestions"]))


def test_login_with_a_token(page: Any, tokens: Dict[str, str]) -> None:
    page.goto("/")
    expect(page.get_by_test_id("login-box")).to_be_visible()
    page.get_by_test_id("token-input").fill("not-a-token")
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    page.get_by_test_id("token-input").fill(tokens["agent-wuhan"])
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("me-name")).to_contain_text("agent-wuhan")
    expect(page.get_by_test_id("shop-select")).to_have_value("wuhan")
    expect(page.get_by_test_id("login-box")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('token')") == tokens["agent-wuhan"]
