"""The order store the running assistant uses: one engine per process, created lazily,
and the session a turn reads through (``turn_session``).

On the embedded default (SQLite in var/), an empty database is migrated and
filled with the demo shops on first use, so the assistant works with nothing
configured. A DATABASE_URL database is only migrated, never filled.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional

from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import DEFAULT_URL, database_url, make_engine, migrate, session_factory

_LOCK = threading.Lock()
_FACTORY: Optional[sessionmaker] = None
_BOUND: ContextVar[Optional[Session]] = ContextVar("turn_session", default=None)


def sessions() -> sessionmaker:
    global _FACTORY
    with _LOCK:
        if _FACTORY is None:
            url = database_url()
            migrate(url)
            factory = session_factory(make_engine(url))
            if url == DEFAULT_URL:
                from bot.store.demo import load_demo
                from bot.store.models import Shop

                with factory() as session:
                    if session.query(Shop).count() == 0:
                        load_demo(session)
                        session.commit()
            _FACTORY = factory
        return _FACTORY


def reset() -> None:
    """Forget the engine (tests point DATABASE_URL elsewhere)."""
    global _FACTORY
    with _LOCK:
        _FACTORY = None


@contextmanager
def bind_session(session: Session) -> Iterator[None]:
    """Code run inside (a turn's custom action) reads through ``session``."""
    token = _BOUND.set(session)
    try:
        yield
    finally:
        _BOUND.reset(token)


@contextmanager
def turn_session() -> Iterator[Session]:
    """The session bound to this turn (the service's own), or a new one (the action server)."""
    bound = _BOUND.get()
    if bound is not None:
        yield bound
        return
    with sessions()() as session:
        yield session
