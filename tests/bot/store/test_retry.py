"""A deadlock, serialisation failure or locked SQLite file is run again; other errors are not."""

from __future__ import annotations

from typing import List

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.store.retry import StillContended, is_transient, retrying


class PgError(Exception):
    def __init__(self, pgcode: str) -> None:
        super().__init__(f"pg error {pgcode}")
        self.pgcode = pgcode


def failure(orig: Exception) -> OperationalError:
    return OperationalError("UPDATE …", {}, orig)


def test_what_counts_as_transient() -> None:
    assert is_transient(failure(PgError("40P01")))                       # deadlock detected
    assert is_transient(failure(PgError("40001")))                       # serialisation failure
    assert is_transient(failure(Exception("database is locked")))        # SQLite busy timeout
    assert not is_transient(failure(Exception("could not connect to server")))
    assert not is_transient(ValueError("database is locked"))


def test_a_deadlock_is_retried_until_it_goes_through(session: Session) -> None:
    calls: List[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise failure(PgError("40P01"))
        return "done"

    assert retrying(session, work, base_delay=0.001) == "done" and len(calls) == 3


def test_a_race_lost_every_time_is_reported_as_contention_not_an_outage(session: Session) -> None:
    def work() -> None:
        raise failure(Exception("database is locked"))

    with pytest.raises(StillContended):
        retrying(session, work, attempts=3, base_delay=0.001)


def test_other_errors_are_not_retried(session: Session) -> None:
    calls: List[int] = []

    def work() -> None:
        calls.append(1)
        raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed"))

    with pytest.raises(IntegrityError):
        retrying(session, work, base_delay=0.001)
    assert len(calls) == 1
