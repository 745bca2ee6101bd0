"""The metrics dashboard in headless Chromium: every chart drawn by Chart.js for a
supervisor, a clear permission error for an agent, the token box without a token."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

import pytest
from fastapi.testclient import TestClient

from tests.api.browser.conftest import login, screenshot
from tests.api.conftest import IN_HOURS, Clock, auth, new_id, send

pytestmark = pytest.mark.browser

CHARTS = ["chart-intents", "chart-acceptance", "chart-reply-time", "chart-offhours", "chart-fallback",
          "chart-agents"]
TEXTS = ["什么时候发货", "我要退货", "能便宜点吗", "这件衣服M码合适吗", "在吗", "asdfgh"]


@pytest.fixture(scope="module")
def data(client: TestClient, tokens: Dict[str, str], clock: Clock) -> None:
    """A few days of messages: some approved, edited or rejected, some at night."""
    agent = auth(tokens["agent-wuhan"])
    for day in range(4):
        for n, text in enumerate(TEXTS):
            when = IN_HOURS - dt.timedelta(days=day, minutes=5 * n)
            if n == 0 and day % 2:
                when = when.replace(hour=23, minute=50) - dt.timedelta(days=1)  # off hours
            clock.set(when)
            body = send(client, agent, new_id(), text).json()
            options = body["message"]["suggestions"]
            if not options:
                continue
            clock.set(when + dt.timedelta(seconds=20 + 30 * n + 40 * day))
            action = ("approve", "reject", "edit")[(n + day) % 3]
            if action == "reject":
                client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/reject", headers=agent)
            else:
                edit = {"text": options[0]["text"] + "～"} if action == "edit" else None
                client.post(f"/api/shops/wuhan/suggestions/{options[0]['id']}/approve", json=edit,
                            headers=agent)
    clock.set(IN_HOURS)


def test_supervisor_sees_every_chart(page: Any, tokens: Dict[str, str], data: None) -> None:
    login(page, tokens["supervisor-wuhan"], "/dashboard")
    page.wait_for_function("() => window.dashboardReady === true", timeout=20000)
    assert page.locator("[data-testid=error]").is_hidden()
    for testid in CHARTS:
        assert page.locator(f"[data-testid={testid}]").is_visible(), testid
        assert page.evaluate(
            f"Chart.getChart(document.querySelector('[data-testid={testid}]')) !== undefined"), testid
    intents = page.evaluate("Chart.getChart(document.querySelector('[data-testid=chart-intents]'))"
                            ".data.datasets.length")
    assert intents >= 2
    days = page.evaluate("Chart.getChart(document.querySelector('[data-testid=chart-intents]'))"
                         ".data.labels")
    assert len(days) == 14 and days[-1] == "11-23"
    assert page.locator("[data-testid=card-messages] .value").inner_text() != "0"
    assert "agent-wuhan" in page.locator("[data-testid=agent-table]").inner_text()
    nav = page.locator("[data-testid=topnav] a")
    assert [nav.nth(i).get_attribute("href") for i in range(nav.count())] == ["/", "/review", "/dashboard"]
    screenshot(page, "dashboard", full_page=True)
    page.select_option("[data-testid=days-select]", "7")
    page.wait_for_function("() => window.dashboardReady === true && Chart.getChart(document.querySelector("
                           "'[data-testid=chart-intents]')).data.labels.length === 7", timeout=20000)


def test_agent_sees_the_permission_error(page: Any, tokens: Dict[str, str]) -> None:
    login(page, tokens["agent-wuhan"], "/dashboard")
    error = page.locator("[data-testid=error]")
    error.wait_for(state="visible", timeout=20000)
    assert "没有权限" in error.inner_text() and "403" in error.inner_text()
    assert page.locator("[data-testid=dashboard]").is_hidden()
    assert page.evaluate("window.dashboardReady") is False


def test_without_a_token_the_token_box_shows(page: Any, tokens: Dict[str, str]) -> None:
    page.goto("/dashboard")
    page.locator("[data-testid=login-box]").wait_for(state="visible")
    page.fill("[data-testid=token-input]", "sa_not_a_token")
    page.click("[data-testid=login-button]")
    page.locator("[data-testid=error]").wait_for(state="visible")
    assert "401" in page.locator("[data-testid=error]").inner_text()
    page.fill("[data-testid=token-input]", tokens["admin"])
    page.click("[data-testid=login-button]")
    page.wait_for_function("() => window.dashboardReady === true", timeout=20000)
    assert page.locator("[data-testid=shops-table]").is_visible()
