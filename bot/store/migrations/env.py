"""Alembic environment: the URL comes from the config (set by bot.store.db.migrate)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool

import bot.store.channel_models  # noqa: F401  (registers the channel tables)
import bot.store.service_models  # noqa: F401  (registers the service tables)
from bot.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
if os.environ.get("DATABASE_URL") and url == "sqlite:///var/shop.db":
    config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
