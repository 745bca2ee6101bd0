"""Browser tests: Debian's headless Chromium driven by Playwright against the live app.

The browser lives for this package only: Playwright's sync API keeps an event loop
running in the main thread, which other tests (asyncio.run) must not see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from playwright.sync_api import expect

# A shared 2-CPU CI machine can take longer than Playwright's 5 s to reflect a click
# (seen on the review page's counts): every expectation waits up to 15 s.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "results" / "screenshots"


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright (no browser download)."""
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed (make test installs it: apt-get install chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser: Any, live_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN",
                                  base_url=live_url)
    tab = context.new_page()
    yield tab
    context.close()


def login(page: Any, token: str, path: str = "/") -> None:
    """Open a page as the user of ``token`` (the pages keep it in session storage)."""
    page.goto(path)
    page.evaluate("token => sessionStorage.setItem('token', token)", token)
    page.goto(path)


def screenshot(page: Any, name: str, full_page: bool = False) -> Path:
    """A picture of the page for the README (results/screenshots/<name>.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture()
def no_script_errors(page: Any) -> Iterator[None]:
    """The test also checks that the page ran without JavaScript errors."""
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    assert errors == []


def open_console(page: Any, tokens: Dict[str, str]) -> None:
    """Log in as agent-wuhan and wait until live updates are connected."""
    login(page, tokens["agent-wuhan"])
    expect(page.get_by_test_id("me-name")).to_contain_text("agent-wuhan")
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "open")


def item(page: Any, conversation: str) -> Any:
    """A conversation's row in the console's list."""
    return page.locator(f'[data-testid="conversation-item"][data-conversation-id="{conversation}"]')
