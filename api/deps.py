"""Everything a route depends on, in one place; tests replace these with
``app.dependency_overrides`` (the clock, most often).

One concurrency model: whatever touches the database or Redis is a plain ``def``
(FastAPI runs it on a worker thread), so the event loop never waits on them; only
dependencies that touch neither are ``async``.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterator, Optional

from fastapi import Depends, Header, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session
from typing_extensions import Annotated

from bot.assist.assistant import Assistant
from bot.assist.live import Broadcaster
from bot.assist.tickets import redeem
from bot.assist.users import authenticate, may_see
from bot.channels.ratelimit import RateLimiter
from bot.store.models import Shop
from bot.store.runtime import sessions
from bot.store.service_models import Role, User

Clock = Callable[[], dt.datetime]


def get_db() -> Iterator[Session]:
    session = sessions()()
    try:
        yield session
    finally:
        session.close()


async def get_clock() -> Clock:
    return lambda: dt.datetime.now(dt.timezone.utc)


async def get_assistant(request: Request) -> Assistant:
    assistant = getattr(request.app.state, "assistant", None)
    if assistant is None:
        raise HTTPException(503, "the assistant model is not loaded yet")
    return assistant


async def get_broadcaster(request: Request) -> Broadcaster:
    return request.app.state.broadcaster


async def get_rate_limiter(request: Request) -> RateLimiter:
    return request.app.state.rate_limiter


def client_ip(request: Request) -> str:
    """The buyer's address: the peer, or what a trusted proxy (HAProxy) says it was."""
    peer = request.client.host if request.client else "unknown"
    trusted = {p.strip() for p in request.app.state.settings.trusted_proxies.split(",")}
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and peer in trusted:
        return forwarded.split(",")[-1].strip()[:64] or peer
    return peer


SessionDep = Annotated[Session, Depends(get_db)]
ClockDep = Annotated[Clock, Depends(get_clock)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
BroadcasterDep = Annotated[Broadcaster, Depends(get_broadcaster)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def bearer(authorization: Optional[str]) -> Optional[str]:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})


def current_user(session: SessionDep,
                       authorization: Annotated[Optional[str], Header()] = None) -> User:
    user = authenticate(session, bearer(authorization))
    if user is None:
        raise _unauthorized("missing or invalid token (Authorization: Bearer <token>)")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
ShopId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$",
                             examples=["wuhan"])]
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def shop_access(shop_id: ShopId, user: CurrentUser, session: SessionDep) -> str:
    """The shop in the path, if it exists (404) and the user works for it (403)."""
    if session.get(Shop, shop_id) is None:
        raise HTTPException(404, f"unknown shop {shop_id!r}")
    if not may_see(user, shop_id):
        raise HTTPException(403, f"user {user.name!r} does not work for shop {shop_id!r}")
    return shop_id


def stream_access(shop_id: ShopId, session: SessionDep, clock: ClockDep,
                        ticket: Annotated[Optional[str], Query(
                            max_length=100, description="from POST .../events/ticket (single use)")
                        ] = None,
                        authorization: Annotated[Optional[str], Header()] = None) -> str:
    """The shop of a live stream: opened with a ticket (browsers) or the header (others)."""
    if ticket is not None:
        user = redeem(session, ticket, shop_id, clock())
        if user is None:
            raise _unauthorized("the stream ticket is unknown, used, expired or for another shop")
    else:
        user = authenticate(session, bearer(authorization))
        if user is None:
            raise _unauthorized("a stream needs ?ticket= (POST .../events/ticket) or the "
                                "Authorization header")
    return shop_access(shop_id, user, session)


async def supervisor_access(shop_id: Annotated[str, Depends(shop_access)], user: CurrentUser) -> str:
    if user.role not in (Role.supervisor, Role.admin):
        raise HTTPException(403, "supervisors only")
    return shop_id


async def admin_user(user: CurrentUser) -> User:
    if user.role != Role.admin:
        raise HTTPException(403, "admins only")
    return user


ShopDep = Annotated[str, Depends(shop_access)]
StreamShopDep = Annotated[str, Depends(stream_access)]
SupervisedShopDep = Annotated[str, Depends(supervisor_access)]
AdminDep = Annotated[User, Depends(admin_user)]
