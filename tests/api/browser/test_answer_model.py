"""The console's answer model in headless Chromium: the panel answers the OLDEST open
buyer message (or the one the agent clicks), a reply settles every open message up to
the one it answers, 已处理 / 跳过 settle one, the list counts waiting buyers and open
messages, a duplicate text needs a confirm, long texts fold; the review page shows what
the buyer typed (masked).

Buyer messages are posted with the in-process ``client``; the page talks to the live
app over HTTP, and follows through live events.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.api.browser.conftest import item, open_console, screenshot
from tests.api.browser.test_console import open_conversation, replies
from tests.api.browser.test_review import open_review, queued, row
from tests.api.conftest import new_id, send

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]




# ---- helpers ---------------------------------------------------------------------------------


def messages(client: TestClient, agent: Dict[str, str], conversation: str,
             *texts: str) -> List[Dict[str, Any]]:
    """Post buyer messages to one conversation, in order; their views."""
    sent = []
    for text in texts:
        response = send(client, agent, conversation, text)
        assert response.status_code == 201, response.text
        sent.append(response.json()["message"])
    return sent


def states(client: TestClient, agent: Dict[str, str], conversation: str) -> List[str]:
    history = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent).json()
    return [entry["state"] for entry in history["timeline"] if entry["type"] == "buyer"]


def totals(client: TestClient, agent: Dict[str, str]) -> Dict[str, int]:
    listing = client.get("/api/shops/wuhan/conversations?limit=100", headers=agent).json()
    return {"waiting": listing["waiting_buyers"], "open": listing["open_messages"]}


def bubble(page: Any, message: Dict[str, Any]) -> Any:
    return page.locator(f'[data-testid="chat-buyer"][data-message-id="{message["id"]}"]')


def expect_target(page: Any, message: Dict[str, Any]) -> None:
    """The panel answers `message`, says so, and the chat marks it."""
    expect(page.get_by_test_id("suggestion-target")).to_have_attribute("data-message-id", str(message["id"]))
    expect(page.get_by_test_id("target-label")).to_contain_text("回复：" + message["text"][:10])
    expect(page.get_by_test_id("target-text")).to_have_text(message["text"])
    expect(bubble(page, message)).to_have_class(re.compile(r"\bis-target\b"))
    expect(page.locator('[data-testid="chat-buyer"].is-target')).to_have_count(1)


def expect_state(page: Any, message: Dict[str, Any], state: str, label: str) -> None:
    expect(bubble(page, message)).to_have_attribute("data-state", state)
    expect(bubble(page, message).get_by_test_id("message-state")).to_have_text(label)


def expect_totals(page: Any, client: TestClient, agent: Dict[str, str]) -> Dict[str, int]:
    now = totals(client, agent)
    expect(page.get_by_test_id("waiting-buyers")).to_have_text(f"等待回复的买家 {now['waiting']}")
    expect(page.get_by_test_id("open-messages")).to_have_text(f"未回复消息 {now['open']}")
    return now


# ---- tests ---------------------------------------------------------------------------------


def test_panel_answers_the_oldest_open_message_or_the_one_picked(
        page: Any, client: TestClient, agent: Dict[str, str], tokens: Dict[str, str]) -> None:
    conversation = new_id()
    first, second, third = messages(client, agent, conversation, "什么时候发货", "能发顺丰吗", "我要退货")
    before = totals(client, agent)
    open_console(page, tokens)
    open_conversation(page, conversation)

    expect_target(page, first)  # the oldest open one, not the latest
    for message in (first, second, third):
        expect_state(page, message, "open", "待回复")
    expect(page.get_by_test_id("target-position")).to_have_text("第 1 / 3 条待回复")
    expect(item(page, conversation).get_by_test_id("open-badge")).to_have_text("未回复 3")
    expect_totals(page, client, agent)

    # the agent picks the second in the chat; the typed reply answers it
    bubble(page, second).click()
    expect_target(page, second)
    expect(page.get_by_test_id("composer-target")).to_contain_text("回复：能发顺丰吗")
    expect(page.get_by_test_id("target-oldest")).to_be_visible()
    expect(page.get_by_test_id("target-position")).to_have_text("第 2 / 3 条待回复")
    screenshot(page, "console-pick")
    box = page.get_by_test_id("free-text")
    box.fill("可以发顺丰的亲，需要补运费差价哦")
    box.press("Enter")

    expect_state(page, first, "answered", "已回复")  # settled too: it was older
    expect_state(page, second, "answered", "已回复")
    expect_state(page, third, "open", "待回复")
    expect_target(page, third)
    expect(page.get_by_test_id("target-position")).to_have_text("第 1 / 1 条待回复")
    sent = replies(client, agent, conversation)
    assert [(r["kind"], r["answers_message_id"]) for r in sent] == [("free_text", second["id"])]
    assert states(client, agent, conversation) == ["answered", "answered", "open"]
    expect(item(page, conversation).get_by_test_id("open-badge")).to_have_text("未回复 1")
    after = expect_totals(page, client, agent)
    assert (after["waiting"], after["open"]) == (before["waiting"], before["open"] - 2)
    expect(page.get_by_test_id("chat-reply").get_by_test_id("reply-answers")).to_contain_text("能发顺丰吗")
    screenshot(page, "console-answer-model")

    # 跳过 the third: nothing is open any more, the list row loses its badge
    page.get_by_test_id("skip").click()
    expect_state(page, third, "skipped", "已跳过")
    expect(page.get_by_test_id("no-open-message")).to_contain_text("没有待回复的消息")
    expect(page.get_by_test_id("composer-target")).to_contain_text("跟进")
    expect(item(page, conversation).get_by_test_id("open-badge")).to_have_count(0)
    after = expect_totals(page, client, agent)
    assert (after["waiting"], after["open"]) == (before["waiting"] - 1, before["open"] - 3)
    assert states(client, agent, conversation) == ["answered", "answered", "skipped"]
    assert len(replies(client, agent, conversation)) == 1  # skipping sends nothing

    # a new message opens the panel again (live); 已处理 settles it
    (fourth,) = messages(client, agent, conversation, "发票怎么开")
    expect_target(page, fourth)
    expect(item(page, conversation).get_by_test_id("open-badge")).to_have_text("未回复 1")
    expect_totals(page, client, agent)
    page.get_by_test_id("mark-handled").click()
    expect_state(page, fourth, "handled", "已处理")
    expect(bubble(page, fourth).get_by_test_id("settled-by")).to_contain_text("agent-wuhan")
    expect(page.get_by_test_id("no-open-message")).to_be_visible()
    assert states(client, agent, conversation) == ["answered", "answered", "skipped", "handled"]
    after = expect_totals(page, client, agent)
    assert (after["waiting"], after["open"]) == (before["waiting"] - 1, before["open"] - 3)

    # with nothing open the typed box still works: a follow-up that answers no message
    box.fill("发票在订单详情页申请就可以啦")
    box.press("Enter")
    expect(page.get_by_test_id("chat-reply")).to_have_count(2)
    assert [r["answers_message_id"] for r in replies(client, agent, conversation)] == [second["id"], None]


def test_keys_answer_in_order_and_settle(page: Any, client: TestClient, agent: Dict[str, str],
                                        tokens: Dict[str, str]) -> None:
    conversation = new_id()
    first, second, third = messages(client, agent, conversation, "什么时候发货", "能发顺丰吗", "在吗")
    open_console(page, tokens)
    open_conversation(page, conversation)
    expect_target(page, first)
    expect(page.get_by_test_id("shortcut-hint")).to_contain_text("已处理")

    page.keyboard.press("1")  # the first suggestion of the OLDEST message
    expect_state(page, first, "answered", "已回复")
    expect_target(page, second)  # forward to the next one, never back
    sent = replies(client, agent, conversation)
    assert [(r["kind"], r["text"], r["answers_message_id"]) for r in sent] == [
        ("approved", first["suggestions"][0]["text"], first["id"])]

    page.keyboard.press("s")
    expect_state(page, second, "skipped", "已跳过")
    expect_target(page, third)
    page.keyboard.press("h")
    expect_state(page, third, "handled", "已处理")
    expect(page.get_by_test_id("no-open-message")).to_be_visible()
    page.keyboard.press("1")  # nothing open: nothing is sent
    page.keyboard.press("s")
    assert states(client, agent, conversation) == ["answered", "skipped", "handled"]
    assert len(replies(client, agent, conversation)) == 1


def test_the_same_text_twice_needs_a_confirm(page: Any, client: TestClient, agent: Dict[str, str],
                                            tokens: Dict[str, str]) -> None:
    conversation = new_id()
    (first,) = messages(client, agent, conversation, "在吗")
    open_console(page, tokens)
    open_conversation(page, conversation)
    box = page.get_by_test_id("free-text")
    text = "在的亲，请问有什么可以帮您？"
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_test_id("chat-reply")).to_have_count(1)
    expect(box).to_have_value("")
    assert len(replies(client, agent, conversation)) == 1

    # the same again (a double Enter, a paste): the console asks; 取消 sends nothing
    (second,) = messages(client, agent, conversation, "有人吗")
    expect_target(page, second)
    box.fill(text)
    box.press("Enter")
    warning = page.get_by_test_id("composer").get_by_test_id("duplicate-warning")
    expect(warning.get_by_test_id("duplicate-question")).to_have_text("同样的内容刚刚已发送过，确定再发一次吗？")
    screenshot(page, "console-duplicate")
    warning.get_by_test_id("dismiss-notice").click()
    expect(warning).to_have_count(0)
    expect(box).to_have_value(text)  # kept, to change or send again
    assert len(replies(client, agent, conversation)) == 1
    expect_state(page, second, "open", "待回复")

    # asked again, and this time the agent says yes
    box.press("Enter")
    warning.get_by_test_id("confirm-send").click()
    expect(page.get_by_test_id("chat-reply")).to_have_count(2)
    expect(warning).to_have_count(0)
    sent = replies(client, agent, conversation)
    assert [(r["text"], r["answers_message_id"]) for r in sent] == [(text, first["id"]), (text, second["id"])]
    expect_state(page, second, "answered", "已回复")


def test_long_messages_fold_and_labels_are_chinese(page: Any, client: TestClient, agent: Dict[str, str],
                                                   tokens: Dict[str, str]) -> None:
    conversation = new_id()
    long_text = "你好，我想问一下这件衣服的尺码，" * 15 + "谢谢"
    assert len(long_text) > 200
    (message,) = messages(client, agent, conversation, long_text)
    open_console(page, tokens)
    open_conversation(page, conversation)

    text = bubble(page, message).get_by_test_id("chat-text")
    expect(text).to_have_attribute("data-folded", "true")
    expect(text).not_to_have_text(long_text)
    expect(text).to_contain_text(long_text[:50])
    bubble(page, message).get_by_test_id("fold-toggle").click()
    expect(text).to_have_text(long_text)
    expect(bubble(page, message).get_by_test_id("fold-toggle")).to_have_text("收起")
    expect(page.get_by_test_id("suggestion-target")).to_have_attribute("data-message-id", str(message["id"]))
    bubble(page, message).get_by_test_id("fold-toggle").click()
    expect(text).to_have_attribute("data-folded", "true")
    panel = page.get_by_test_id("target-text")
    expect(panel).to_have_attribute("data-folded", "true")
    page.get_by_test_id("suggestion-target").get_by_test_id("fold-toggle").click()
    expect(panel).to_have_text(long_text)
    screenshot(page, "console-long-message")

    # intents and states in Chinese; the code only in the tooltip
    intent = item(page, conversation).get_by_test_id("conversation-intent")
    expect(intent).to_have_attribute("data-intent", message["intent"])
    expect(intent).not_to_have_text(re.compile(r"[a-z_]{4,}"))
    expect(item(page, conversation).get_by_test_id("conversation-buyer")).to_have_text(message.get(
        "buyer_nick") or "wuhan-paid_not_shipped")
    expect(page.get_by_test_id("suggestion-panel").locator("h2")).to_have_text("建议回复")


def test_review_shows_what_the_buyer_typed_masked(page: Any, client: TestClient,
                                                  tokens: Dict[str, str]) -> None:
    text = "我换手机号了13812345678，以后联系这个号，帮我改一下收货电话"
    message = queued(client, tokens, text)
    open_review(page, tokens)
    said = row(page, message["id"]).get_by_test_id("message-text")
    expect(said).to_be_visible()
    expect(said).to_contain_text("我换手机号了")
    expect(said).to_contain_text("以后联系这个号，帮我改一下收货电话")  # as typed, no token gaps
    expect(said).not_to_contain_text("13812345678")  # personal data stays masked
    expect(row(page, message["id"])).to_contain_text("买家原话")
