"""Whatever a buyer types reaches the agent console as typed, as text: markup is shown,
never run, and the pages work under the Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.api.browser.conftest import login
from tests.api.conftest import new_id, send
from tests.api.test_bad_input import BUYER_TEXTS, stored_as

pytestmark = pytest.mark.browser

# Payloads that would leave a trace if the page ran them.
TRAPS = ['<img src=x onerror="window.__xss = 1">', "<script>window.__xss = 2</script>",
         '<svg onload="window.__xss = 3"></svg>', '<a href="javascript:window.__xss=4">点我</a>']
SHOWN = {**BUYER_TEXTS, **{f"trap {i}": t for i, t in enumerate(TRAPS)}}
SHOWN.pop("whitespace only")  # a bubble of spaces: compared below, not by eye


@pytest.fixture()
def watched(page: Any) -> Iterator[Dict[str, List[str]]]:
    """Dialogs (alert), script errors and CSP refusals seen by the page."""
    seen: Dict[str, List[str]] = {"dialogs": [], "errors": [], "csp": []}

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen["csp"].append(message.text)

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("console", on_console)
    page.add_init_script("window.__xss = 0")
    yield seen
    assert seen["errors"] == []


def bubble_texts(page: Any) -> List[str]:
    """The text of every buyer bubble, each unfolded first when it is long."""
    bubbles = page.get_by_test_id("chat-buyer")
    texts = []
    for i in range(bubbles.count()):
        bubble = bubbles.nth(i)
        toggle = bubble.get_by_test_id("fold-toggle")
        if toggle.count() and toggle.get_attribute("aria-expanded") == "false":
            toggle.click()
            expect(bubbles.nth(i).get_by_test_id("fold-toggle")).to_have_attribute(
                "aria-expanded", "true")
        texts.append(bubbles.nth(i).get_by_test_id("chat-text").evaluate("n => n.textContent"))
    return texts


def test_every_buyer_text_is_shown_as_typed_and_no_markup_runs(
        page: Any, client: TestClient, agent: Dict[str, str], tokens: Dict[str, str],
        watched: Dict[str, List[str]]) -> None:
    conversation = new_id()
    sent = []
    for text in [*SHOWN.values(), BUYER_TEXTS["whitespace only"]]:
        response = send(client, agent, conversation, text)
        assert response.status_code == 201, response.text
        sent.append(stored_as(text))

    login(page, tokens["agent-wuhan"])
    expect(page.get_by_test_id("me-name")).to_contain_text("agent-wuhan")
    page.locator(f'[data-testid="conversation-item"][data-conversation-id="{conversation}"]').click()
    expect(page.get_by_test_id("chat")).to_have_attribute("data-conversation-id", conversation)
    expect(page.get_by_test_id("chat-buyer")).to_have_count(len(sent))

    assert sorted(bubble_texts(page)) == sorted(sent)
    assert page.evaluate("window.__xss") == 0
    assert page.locator("[data-testid=chat-text] *").count() == 0  # text nodes only
    assert watched["dialogs"] == []


def test_a_markup_message_arriving_live_is_text(
        page: Any, client: TestClient, agent: Dict[str, str], tokens: Dict[str, str],
        watched: Dict[str, List[str]]) -> None:
    conversation = new_id()
    send(client, agent, conversation, "在吗")
    login(page, tokens["agent-wuhan"])
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "open")
    page.locator(f'[data-testid="conversation-item"][data-conversation-id="{conversation}"]').click()
    expect(page.get_by_test_id("chat-buyer")).to_have_count(1)
    for trap in TRAPS + ["<img/src=x/onerror=alert(1)>"]:
        assert send(client, agent, conversation, trap).status_code == 201
    expect(page.get_by_test_id("chat-buyer")).to_have_count(len(TRAPS) + 2)
    expect(page.get_by_test_id("chat-buyer").last.get_by_test_id("chat-text")).to_have_text(
        "<img/src=x/onerror=alert(1)>")
    page.wait_for_timeout(500)  # an onerror would have fired by now
    assert page.evaluate("window.__xss") == 0 and watched["dialogs"] == []


@pytest.mark.parametrize("user, path, ready", [
    ("agent-wuhan", "/", "conversation-item"),
    ("supervisor-wuhan", "/review", "retrain-panel"),
    ("supervisor-wuhan", "/dashboard", None),
])
def test_the_pages_work_under_the_content_security_policy(
        page: Any, tokens: Dict[str, str], watched: Dict[str, List[str]], user: str, path: str,
        ready: Any) -> None:
    response = page.goto(path)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page, tokens[user], path)
    expect(page.get_by_test_id("me-name")).to_contain_text(user)
    if ready:
        expect(page.get_by_test_id(ready).first).to_be_visible()
    else:  # the dashboard draws its charts with Chart.js, served by the app
        expect(page.locator("canvas").first).to_be_visible()
        page.wait_for_function("() => typeof window.Chart === 'function'")
    page.wait_for_timeout(1000)  # late requests (live events, polling) are refused too
    assert watched["csp"] == [], watched["csp"]
    assert re.search(r"\S", page.locator("body").inner_text())
