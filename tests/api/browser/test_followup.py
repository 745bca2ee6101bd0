"""A follow-up in the console: the panel shows what the turn was understood as — the
sub-topic, the context carried from the previous turn and the item in question — and
the suggestion answers the follow-up with the new place's fee."""

from __future__ import annotations

import re
from typing import Any, Dict

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from bot.policy import shop_policy
from tests.api.browser.conftest import item, open_console, screenshot
from tests.api.conftest import new_id, send

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


def test_a_follow_up_shows_the_carried_context_and_answers_for_the_new_place(
        page: Any, client: TestClient, agent: Dict[str, str], tokens: Dict[str, str]) -> None:
    conversation = new_id()
    first = send(client, agent, conversation, "发新疆运费多少", buyer="wuhan-none")
    assert first.status_code == 201, first.text
    follow = send(client, agent, conversation, "那杭州呢", buyer="wuhan-none").json()["message"]
    assert follow["context"]["carried"] == "接上文：运费 → 杭州"
    fee = f"{shop_policy('wuhan').shipping.default_per_kg:g}元"  # 浙江: the default rate
    assert "杭州" in follow["suggestions"][0]["text"] and fee in follow["suggestions"][0]["text"]

    open_console(page, tokens)
    item(page, conversation).click()
    expect(item(page, conversation)).to_have_class(re.compile(r"\bactive\b"))
    page.get_by_test_id("chat-buyer").last.click()
    expect(page.get_by_test_id("target-text")).to_have_text("那杭州呢")
    expect(page.get_by_test_id("message-carried")).to_have_text("接上文：运费 → 杭州")
    expect(page.get_by_test_id("message-subtopic")).to_have_text("问题：运费")
    expect(page.get_by_test_id("suggestion-text").first).to_contain_text("杭州")
    expect(page.get_by_test_id("suggestion-label").first).to_have_text("运费")
    screenshot(page, "console-follow-up")


def test_the_item_in_view_is_shown_and_answered(page: Any, client: TestClient,
                                               agent: Dict[str, str],
                                               tokens: Dict[str, str]) -> None:
    from bot.catalogue import load_catalogue

    cup = next(p for p in load_catalogue("wuhan") if "保温杯" in p.title)
    conversation = new_id()
    response = client.post(f"/api/shops/wuhan/conversations/{conversation}/messages",
                           json={"client_message_id": new_id("m"), "text": "这个是什么材质的",
                                 "buyer_id": "wuhan-none", "metadata": {"item_id": cup.item_no}},
                           headers=agent)
    assert response.status_code == 201, response.text
    message = response.json()["message"]
    assert message["context"]["item_id"] == cup.item_no
    assert cup.material in message["suggestions"][0]["text"]
    open_console(page, tokens)
    item(page, conversation).click()
    expect(page.get_by_test_id("message-item")).to_have_text(f"宝贝 {cup.item_no}（正在浏览）")
