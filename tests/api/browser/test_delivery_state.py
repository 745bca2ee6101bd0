"""The console shows where a reply to the shop's chat system is: 投递中 while the
receiver is down, 投递失败 after the last try with 重新投递, then 已送达 — live."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from bot.channels import outbox
from scripts.reply_receiver import Receiver
from tests.api.browser.conftest import login
from tests.api.browser.test_console import open_conversation
from tests.api.channel_helpers import hook_post, shop_channel
from tests.api.conftest import LIVE_APPS, Clock, auth, new_id

pytestmark = pytest.mark.browser


def test_failed_delivery_is_shown_and_sent_again_from_the_console(
        page: Any, live_url: str, client: TestClient, clock: Clock, tokens: Dict[str, str],
        tmp_path: Path) -> None:
    agent = auth(tokens["agent-wuhan"])
    channel = shop_channel()
    receiver = Receiver(channel.webhook_secret, tmp_path / "received.jsonl").start()
    receiver.stop()  # down from the start: the delivery fails
    shop_channel(webhook_url=receiver.url)
    conversation = new_id("qn")
    assert hook_post(client, clock, "什么时候发货", conversation).status_code == 201
    policy = outbox.RetryPolicy(2, 0.2, 0.2)  # two quick tries, for every worker
    for app in _apps(client):
        app.state.deliverer.policy = policy
    try:
        login(page, tokens["agent-wuhan"])
        open_conversation(page, conversation)
        page.get_by_test_id("approve").first.click()
        state = page.get_by_test_id("chat-reply").get_by_test_id("delivery-state")
        expect(state).to_have_attribute("data-state", "failed")
        expect(state).to_contain_text("投递失败")
        receiver.start()
        page.get_by_test_id("delivery-retry").click()
        expect(state).to_have_attribute("data-state", "delivered")
        expect(state).to_have_text("已送达")
        assert [r["conversation_id"] for r in receiver.received()] == [conversation]
        listed = client.get("/api/shops/wuhan/deliveries", headers=agent).json()
        assert listed["counts"]["delivered"] >= 1
    finally:
        for app in _apps(client):
            app.state.deliverer.policy = outbox.RetryPolicy()
        receiver.stop()


def _apps(client: TestClient) -> list:
    """The apps whose workers may send: the test client's and the live server's."""
    return [client.app, *LIVE_APPS]
