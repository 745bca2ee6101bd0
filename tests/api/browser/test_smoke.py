"""The pages load in a real headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/review", "/dashboard"])
def test_pages_load(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("body").is_visible()
