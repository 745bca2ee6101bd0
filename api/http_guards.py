"""ASGI middlewares: no token in a URL, a request body limit, and the security headers of
every response.

Both are plain ASGI (not ``BaseHTTPMiddleware``) so server-sent event streams
pass through untouched.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, List, Tuple
from urllib.parse import parse_qsl

Scope = Dict[str, Any]
Message = Dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 64 * 1024
_WITH_BODY = {"POST", "PUT", "PATCH", "DELETE"}

# Scripts only from this origin, none inline, no plugins, no framing. Styles may be
# inline: two pages carry a <style> block and the review page sets bar widths with
# style attributes; a style cannot run script, and script-src is what guards.
CSP = ("default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'")
SECURITY_HEADERS: List[Tuple[bytes, bytes]] = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
# FastAPI's interactive docs load Swagger UI / ReDoc with an inline script: no CSP there.
_NO_CSP = ("/docs", "/redoc")
# The buyer chat window is made to be framed by the shop's own site (widget.js).
_FRAMED = "/chat/"
FRAMED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
# Public endpoints (the chat window's API) take small bodies only.
PUBLIC_PREFIX, PUBLIC_BODY_BYTES = "/api/chat/", 8 * 1024


async def _refuse(send: Send, status: int, reason: str,
                  headers: Tuple[Tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"detail": reason}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})


def _too_big(size: int, limit: int) -> str:
    return (f"the request body is {size} bytes or more; the limit is {limit} bytes "
            f"({limit // 1024} KB)")


URL_SECRETS = ("token", "access_token")


class NoTokenInUrl:
    """401 for any request with a token in its query string — every route, the pages,
    the docs and static files included, even with a valid header too: URLs end up in
    access logs and browser histories. Tokens go in the Authorization header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            query = scope["query_string"].decode("latin-1")
            if any(name.strip().lower() in URL_SECRETS
                   for name, _ in parse_qsl(query, keep_blank_values=True)):
                await _refuse(send, 401, "tokens go in the Authorization header, never in the "
                              "URL (Authorization: Bearer <token>)",
                              ((b"www-authenticate", b"Bearer"),))
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """413 for a body over ``limit`` bytes, by its Content-Length or as it streams in,
    before the app parses anything. The body (at most ``limit`` bytes) is read here
    and handed to the app in one piece."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        limit = (PUBLIC_BODY_BYTES if str(scope.get("path", "")).startswith(PUBLIC_PREFIX)
                 else self.limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, _too_big(int(declared), limit))
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await _refuse(send, 413, _too_big(size, limit))
                return
            if not message.get("more_body"):
                break
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeaders:
    """Content-Security-Policy, X-Frame-Options, X-Content-Type-Options and
    Referrer-Policy on every HTTP response (CSP on all but the API docs)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if path.startswith(_FRAMED):
            extra = [h for h in SECURITY_HEADERS if h[0] != b"x-frame-options"]
            extra.append((b"content-security-policy", FRAMED_CSP.encode()))
        else:
            extra = list(SECURITY_HEADERS)
            if not path.startswith(_NO_CSP):
                extra.append((b"content-security-policy", CSP.encode()))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers") or []}
                message["headers"] = [*(message.get("headers") or []),
                                      *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)
