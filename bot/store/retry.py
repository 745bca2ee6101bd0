"""Transactions that lose a race inside the database are run again, not reported as an
outage: a PostgreSQL deadlock (SQLSTATE 40P01) or serialisation failure (40001), or
SQLite's "database is locked" after its busy timeout. Each retry starts a new
transaction, so it sees what the winner committed and decides again from there.
"""

from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

T = TypeVar("T")
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})
TRANSIENT_SQLITE = ("database is locked", "database table is locked")
ATTEMPTS = 5
BASE_DELAY = 0.02  # seconds; doubled per attempt, jittered


class StillContended(Exception):
    """Every attempt lost a race in the database (the caller says "try again")."""


def is_transient(error: BaseException) -> bool:
    """A deadlock, serialisation failure or busy SQLite file: worth running again."""
    if not isinstance(error, DBAPIError):
        return False
    orig = error.orig
    code = getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)
    if code in TRANSIENT_SQLSTATES:
        return True
    message = str(orig).lower()
    return any(text in message for text in TRANSIENT_SQLITE)


def retrying(session: Session, work: Callable[[], T], attempts: int = ATTEMPTS,
             base_delay: float = BASE_DELAY) -> T:
    """Run ``work`` and commit; on a transient failure roll back, wait a short jittered
    while and run it again. Any other error rolls back and propagates."""
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            session.commit()
            return result
        except DBAPIError as error:
            session.rollback()
            if not is_transient(error):
                raise
            if attempt == attempts:
                raise StillContended(str(error.orig)) from error
            time.sleep(random.uniform(base_delay / 2, base_delay * 2 ** attempt))
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")  # pragma: no cover
