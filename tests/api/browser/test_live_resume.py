"""Live updates the console cannot miss: across a Redis restart, and across a dropped
stream (the console reconnects with a new ticket and the last id it saw)."""

from __future__ import annotations

import re
from typing import Any, Dict, List

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from bot.processes import Process
from tests.api.browser.conftest import item
from tests.api.browser.conftest import open_console as console
from tests.api.conftest import new_id, send

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]




def open_console(page: Any, tokens: Dict[str, str]) -> None:
    """The console, marked so that a reload would show (the mark would be gone)."""
    console(page, tokens)
    page.evaluate("window.__notReloaded = true")


def console_with_one_message(page: Any, client: TestClient, agent: Dict[str, str],
                             tokens: Dict[str, str]) -> str:
    """The console open on a new conversation whose first message arrived live."""
    open_console(page, tokens)
    conversation = new_id()
    assert send(client, agent, conversation, "在吗").status_code == 201
    expect(item(page, conversation)).to_be_visible()
    item(page, conversation).click()
    expect(page.get_by_test_id("chat-buyer")).to_have_count(1)
    return conversation


def test_a_message_after_a_redis_restart_shows_up_without_reload(
        page: Any, client: TestClient, agent: Dict[str, str], tokens: Dict[str, str],
        redis: Process) -> None:
    conversation = console_with_one_message(page, client, agent, tokens)

    redis.stop()
    try:
        assert send(client, agent, conversation, "什么时候发货").status_code == 201  # Redis down
    finally:
        redis.start()
    assert send(client, agent, conversation, "我要退货").status_code == 201
    expect(page.get_by_test_id("chat-buyer")).to_have_count(3, timeout=20_000)
    expect(page.get_by_test_id("chat-buyer").last).to_contain_text("我要退货")
    expect(item(page, conversation).get_by_test_id("conversation-preview")).to_have_text("我要退货")
    assert page.evaluate("window.__notReloaded") is True


KEEP_SOURCES = """(() => {
  const Native = window.EventSource;
  window.__sources = [];
  window.EventSource = class extends Native {
    constructor(url, init) { super(url, init); window.__sources.push(this); }
  };
})()"""
DROP_STREAM = """() => {
  const source = window.__sources[window.__sources.length - 1];
  source.close();
  source.dispatchEvent(new Event('error'));
}"""


def test_a_dropped_stream_says_so_reconnects_and_replays_what_it_missed(
        page: Any, client: TestClient, agent: Dict[str, str], tokens: Dict[str, str]) -> None:
    streams: List[str] = []
    page.add_init_script(KEEP_SOURCES)  # lets the test drop the stream, as a network error would
    page.on("request", lambda request: streams.append(request.url)
            if "/events?" in request.url else None)
    conversation = console_with_one_message(page, client, agent, tokens)

    page.route("**/events/ticket", lambda route: route.abort())  # no new ticket for now
    page.evaluate(DROP_STREAM)
    status = page.get_by_test_id("live-status")
    expect(status).to_have_text("实时更新已断开，正在重连…")
    expect(status).to_have_attribute("data-state", "closed")
    assert send(client, agent, conversation, "到哪了").status_code == 201  # while disconnected
    page.wait_for_timeout(1500)
    expect(status).to_have_text("实时更新已断开，正在重连…")  # still trying
    page.unroute("**/events/ticket")

    expect(status).to_have_attribute("data-state", "open", timeout=20_000)
    expect(status).to_have_text("实时更新")
    expect(page.get_by_test_id("chat-buyer")).to_have_count(2)
    expect(page.get_by_test_id("chat-buyer").last).to_contain_text("到哪了")
    assert page.evaluate("window.__notReloaded") is True
    # each connection with its own ticket; the reconnect asked for what came after the last id
    assert all("token=" not in url for url in streams)
    assert len(set(re.findall(r"ticket=([^&\s]+)", " ".join(streams)))) == len(streams) == 2
    assert re.search(r"last_event_id=\d+", streams[-1]) and "last_event_id" not in streams[0]
