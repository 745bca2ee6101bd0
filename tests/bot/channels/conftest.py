"""Channel tests on SQLite and a real PostgreSQL (the store tests' fixtures)."""

from tests.bot.store.conftest import db_url, session  # noqa: F401
