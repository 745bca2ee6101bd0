"""Secrets never reach a log line, whatever shape the logger gives them."""

from __future__ import annotations

import logging

import httpx
import pytest

from api.log_redaction import SecretsFilter


def formatted(msg: str, *args: object) -> str:
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args, None)
    SecretsFilter().filter(record)
    return record.getMessage()


@pytest.mark.parametrize("url", ["http://x/api/me?token=sa_SECRET1", "http://x/e?ticket=SECRET1&a=1",
                                 "http://x/u?access_token=SECRET1"])
def test_urls_logged_as_objects_are_redacted(url: str) -> None:
    line = formatted('HTTP Request: %s %s "%s"', "GET", httpx.URL(url), "HTTP/1.1 401")
    assert "SECRET1" not in line and "[redacted]" in line


def test_headers_and_numbers_keep_their_shape() -> None:
    assert "SECRET2" not in formatted("headers %s", {"Authorization": "Bearer SECRET2"})
    assert formatted("%s %d ms", "GET /healthz", 12) == "GET /healthz 12 ms"


@pytest.mark.parametrize("line", ["GET /api/me?t=sa_KE26abcdefghijklmnopqrstuvwxyz01",
                                  "GET /api/shops/wuhan/conversations/sa_KE26abcdefghijklmnopqrstuv",
                                  "GET /api/shops/wuhan/events?x=KE26abcdefghijklmnopqrstuvwxyz0123456"])
def test_a_token_under_any_name_or_in_a_path_is_redacted(line: str) -> None:
    shown = formatted("%s", line)
    assert "KE26" not in shown and "[redacted]" in shown


def test_ordinary_ids_stay_readable() -> None:
    assert formatted("%s", "GET /api/shops/wuhan/conversations/c-3f2a9b1c?limit=50") == \
        "GET /api/shops/wuhan/conversations/c-3f2a9b1c?limit=50"
