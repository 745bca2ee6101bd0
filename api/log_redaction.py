"""No secret in a log line: token, ticket and cookie values, and Authorization headers,
are replaced by ``[redacted]`` in every record that reaches the service's handlers,
uvicorn's access log (which prints each request's path with its query string) included.

The record's arguments are redacted one by one, not the formatted message, because
uvicorn's access formatter reads them as a tuple (client, method, path, version, status).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Optional

REDACTED = "[redacted]"
_PATTERNS = (
    # a token by its shape, wherever it stands (?t=…, a path segment, a header)
    (re.compile(r"\bsa_[A-Za-z0-9_-]{20,}"), REDACTED),
    # any other long random value in a query string (a ticket under another name)
    (re.compile(r"([?&][^=&\s]{1,40}=)[A-Za-z0-9_-]{32,}"), rf"\1{REDACTED}"),
    # query strings and forms: ?ticket=…, &token=…, access_token=…
    (re.compile(r"(?i)\b((?:access_)?token|ticket)=[^&\s\"'#]+"), rf"\1={REDACTED}"),
    # JSON-ish: "token": "…", 'ticket': '…', "webhook_secret": "…", "buyer_sig": "…"
    (re.compile(r"(?i)([\"'](?:access_)?(?:token|ticket|\w*secret|buyer_sig)[\"']\s*:\s*[\"'])[^\"']+"),
     rf"\1{REDACTED}"),
    # HMAC signatures (X-Shop-Signature: sha256=…) and secrets by name
    (re.compile(r"(?i)\bsha256=[0-9a-f]{16,}"), f"sha256={REDACTED}"),
    (re.compile(r"(?i)\b(\w*secret|buyer_sig)(\s*[=:]\s*|\s+)[0-9a-f]{32,}"), rf"\1\2{REDACTED}"),
    # headers: Authorization: Bearer …, (b'authorization', b'…'), Cookie: …
    (re.compile(r"(?i)\b(bearer\s+)[^\s\"',)]+"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)((?:set-)?cookie[\"']?\s*[:=,]\s*b?[\"']?)[^\"'\n)]+"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=,]\s*(?:b?[\"'])?)(?!b?[\"']?bearer\b|\[redacted)"
                r"(?:[A-Za-z]+\s+)?[^\s\"',)]+"),
     rf"\1{REDACTED}"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (int, float)):
        return value  # kept as they are for %d and friends
    # an object logged through its str(), e.g. httpx's URL in "HTTP Request: GET %s"
    shown = str(value)
    hidden = redact(shown)
    return hidden if hidden != shown else value


class SecretsFilter(logging.Filter):
    """Redacts the message and each argument of every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_value(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error", "api", "bot", "fastapi")


def _add(target: Any) -> None:
    if not any(isinstance(f, SecretsFilter) for f in target.filters):
        target.addFilter(SecretsFilter())


def install_secret_redaction(root: Optional[logging.Logger] = None) -> None:
    """On the handlers of the root logger and of uvicorn's loggers (so records of every
    child logger pass it), and on uvicorn's and the app's loggers themselves (so a handler
    added later still gets redacted records from them). Safe to call again."""
    loggers = [root or logging.getLogger()] + [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        _add(logger)
        for handler in logger.handlers:
            _add(handler)
