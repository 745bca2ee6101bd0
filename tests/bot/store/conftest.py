"""Store tests run against SQLite (embedded default) and a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.store.db import make_engine, migrate, session_factory

PG_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.timezone.utc)


def _postgres_admin():  # type: ignore[no-untyped-def]
    import psycopg2

    try:
        conn = psycopg2.connect(PG_ADMIN, connect_timeout=3)
    except psycopg2.OperationalError:
        # A machine of this kind has PostgreSQL installed; start it if it is down.
        subprocess.run("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
                       shell=True, check=False, capture_output=True)
        try:
            conn = psycopg2.connect(PG_ADMIN, connect_timeout=5)
        except psycopg2.OperationalError as e:
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} and could not be started: {e}")
    conn.autocommit = True
    return conn


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shop.db'}"
        return
    name = f"shop_test_{uuid.uuid4().hex[:10]}"
    admin = _postgres_admin()
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    migrate(db_url)
    engine = make_engine(db_url)
    factory = session_factory(engine)
    with factory() as s:
        yield s
    engine.dispose()
