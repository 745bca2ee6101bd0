"""Every response carries the security headers; pages get a CSP with no inline script."""

from __future__ import annotations

from typing import Dict

import pytest
from fastapi.testclient import TestClient

HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff",
           "referrer-policy": "no-referrer"}
CSP = ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
       "base-uri 'self'"]


def assert_secured(headers: Dict[str, str], csp: bool = True) -> None:
    for name, value in HEADERS.items():
        assert headers.get(name) == value, name
    if csp:
        policy = [part.strip() for part in headers["content-security-policy"].split(";")]
        assert set(CSP) <= set(policy)
        script = next(p for p in policy if p.startswith("script-src"))
        assert "unsafe-inline" not in script and "unsafe-eval" not in script


@pytest.mark.parametrize("path", ["/", "/review", "/dashboard", "/static/common.js",
                                  "/static/app.css", "/healthz", "/openapi.json",
                                  "/no/such/page"])
def test_pages_files_and_errors_carry_the_headers(client: TestClient, path: str) -> None:
    assert_secured(client.get(path).headers)


def test_api_answers_and_refusals_carry_the_headers(client: TestClient,
                                                    agent: Dict[str, str]) -> None:
    assert_secured(client.get("/api/me", headers=agent).headers)
    assert_secured(client.get("/api/me").headers)  # 401
    too_big = client.post("/api/shops/wuhan/conversations/c1/messages",
                          content=b" " * 70_000, headers=agent)
    assert too_big.status_code == 413
    assert_secured(too_big.headers)


def test_the_api_docs_keep_the_other_headers(client: TestClient) -> None:
    """Swagger UI runs an inline script: the docs page has no CSP, the rest applies."""
    response = client.get("/docs")
    assert response.status_code == 200
    assert "content-security-policy" not in response.headers
    assert_secured(response.headers, csp=False)


def test_pages_have_no_inline_script(client: TestClient) -> None:
    import re

    for path in ("/", "/review", "/dashboard"):
        html = client.get(path).text
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
        assert all(not body.strip() for body in scripts), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
