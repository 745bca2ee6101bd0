"""No token or ticket in any log line: the real service (`python -m api serve`) with its
access log on, used by the console in a real browser and by a few API calls; then every
token and ticket issued is looked for in what it logged."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import pytest
from playwright.sync_api import expect

from api.settings import Settings
from bot.processes import Process, free_port, http_ok
from tests.api.conftest import new_id

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def logged_service(settings: Settings, tokens: Dict[str, str],
                   workdir: Path) -> Iterator[Tuple[str, Process, Path]]:
    port = free_port()
    log = workdir / "api-access.log"
    env = {"DATABASE_URL": settings.database_url or "", "REDIS_URL": settings.redis_url or "",
           "PORT": str(port),
           "MODEL_PATH": str(settings.model_path), "LOG_LEVEL": "INFO",  # access log on
           "NLU_DATA_DIR": str(settings.nlu_data_dir), "CANDIDATES_DIR": str(settings.candidates_dir)}
    process = Process("api", [sys.executable, "-m", "api", "serve"],
                      lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), env=env, log=log).start()
    yield f"http://127.0.0.1:{port}", process, log
    process.stop()


def bearer(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def use_the_console(browser: Any, service: str, token: str, tickets: List[str]) -> None:
    """Sign in with the token form, get a live message, open it, approve a suggestion."""
    context = browser.new_context(base_url=service, locale="zh-CN")
    page = context.new_page()

    def keep_ticket(response: Any) -> None:
        if response.url.endswith("/events/ticket") and response.status == 201:
            tickets.append(response.json()["ticket"])

    page.on("response", keep_ticket)
    page.goto("/")
    page.get_by_test_id("token-input").fill(token)
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("me-name")).to_contain_text("agent-wuhan")
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "open")

    conversation = new_id()
    response = httpx.post(f"{service}/api/shops/wuhan/conversations/{conversation}/messages",
                          json={"client_message_id": new_id("m"), "text": "什么时候发货",
                                "buyer_id": "wuhan-paid_not_shipped"}, headers=bearer(token),
                          timeout=30)
    assert response.status_code == 201, response.text
    row = page.locator(f'[data-testid="conversation-item"][data-conversation-id="{conversation}"]')
    expect(row).to_be_visible()  # arrived live
    row.click()
    expect(page.get_by_test_id("suggestion").first).to_be_visible()
    page.get_by_test_id("suggestion").first.get_by_test_id("approve").click()
    expect(page.get_by_test_id("chat-reply")).to_have_count(1)

    page.reload()  # a second stream: a second ticket
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "open")
    context.close()


def test_no_token_or_ticket_reaches_the_logs(logged_service: Tuple[str, Process, Path],
                                             browser: Any, tokens: Dict[str, str]) -> None:
    service, process, log = logged_service
    agent, admin = tokens["agent-wuhan"], tokens["admin"]
    tickets: List[str] = []
    use_the_console(browser, service, agent, tickets)
    assert len(tickets) >= 2

    # a few API calls: a new user (its token is in the answer), a token in a URL (refused),
    # a stream opened by a ticket and one by the header
    created = httpx.post(f"{service}/api/users", headers=bearer(admin),
                         json={"name": f"agent-{new_id('x')}", "role": "agent", "shops": ["wuhan"]})
    assert created.status_code == 201
    new_token = created.json()["token"]
    assert httpx.get(f"{service}/api/me", headers=bearer(new_token)).status_code == 200
    in_url = httpx.get(f"{service}/api/me", params={"token": agent}, headers=bearer(agent))
    assert in_url.status_code == 401
    assert "tokens go in the Authorization header" in in_url.json()["detail"]
    assert httpx.post(f"{service}/api/users?access_token={admin}", headers=bearer(admin),
                      json={"name": "x", "role": "agent", "shops": []}).status_code == 401
    ticket = httpx.post(f"{service}/api/shops/wuhan/events/ticket",
                        headers=bearer(new_token)).json()["ticket"]
    tickets.append(ticket)
    for request in ({"params": {"ticket": ticket, "last_event_id": 0}},
                    {"headers": {**bearer(agent), "Last-Event-ID": "1"}}):
        with httpx.stream("GET", f"{service}/api/shops/wuhan/events", timeout=30,
                          **request) as response:
            assert response.status_code == 200
            next(response.iter_lines())
    assert httpx.get(f"{service}/api/shops/wuhan/events",
                     params={"ticket": ticket}).status_code == 401  # used

    process.stop()  # everything written
    text = log.read_text(encoding="utf-8", errors="replace")
    assert '"GET /api/shops/wuhan/events?ticket=[redacted]' in text  # the access log was on
    assert "/api/me?token=[redacted]" in text
    for secret in [*tokens.values(), new_token, *tickets]:
        assert secret not in text, "a token or ticket is in the service's log"
