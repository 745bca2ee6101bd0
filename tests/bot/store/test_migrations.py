"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL,
and the service tables work on both (a reply with its compliance findings, a review)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

import bot.store.service_models as service
from bot.store.db import make_engine, migrate
from bot.store.models import Base
from bot.store.service_models import Conversation, Review, ReviewStatus


def test_migrations_match_the_models(db_url: str) -> None:
    migrate(db_url)
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_service_tables_round_trip(session: Session) -> None:
    from bot.store.demo import load_demo

    load_demo(session)
    conversation = Conversation(shop_id="wuhan", external_id="c1", buyer_id="wuhan-none")
    message = service.BuyerMessage(shop_id="wuhan", conversation=conversation,
                                   client_message_id="m1", text="在吗", intent="greet",
                                   confidence=0.9, tokens=[{"text": "在", "start": 0, "end": 1}])
    reply = service.Reply(conversation=conversation, message=message, kind=service.ReplyKind.free_text,
                          text="在的亲", approved_by="a", compliance={"findings": []})
    session.add_all([conversation, message, reply])
    session.flush()
    session.add(Review(message_id=message.id, shop_id="wuhan", status=ReviewStatus.confirmed,
                       intent="greet", reviewer="s"))
    session.commit()
    stored = session.get(service.BuyerMessage, message.id)
    assert stored.tokens == [{"text": "在", "start": 0, "end": 1}]
    assert session.get(service.Reply, reply.id).compliance == {"findings": []}


def _alembic(url: str, *command: str) -> None:
    from alembic import command as alembic_command
    from alembic.config import Config

    from bot.store.db import ROOT

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "bot" / "store" / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    getattr(alembic_command, command[0])(config, *command[1:])


def test_the_catalogue_migration_keeps_the_products_stored_before(db_url: str) -> None:
    """0006 adds the product facts and product_skus to a store that has products (NULL
    facts, no SKUs), and downgrades again."""
    from sqlalchemy import inspect, text

    _alembic(db_url, "upgrade", "0005")
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO shops (id, name, ships_from) "
                                "VALUES ('wuhan', '暖暖家居旗舰店', '湖北 武汉')"))
        connection.execute(text("INSERT INTO products (shop_id, item_no, title, category, price, "
                                "weight_kg) VALUES ('wuhan', '520100000001', '旧宝贝', '家居', "
                                "9.90, 0.5)"))
    _alembic(db_url, "upgrade", "head")
    engine.dispose()
    engine = make_engine(db_url)
    columns = {c["name"] for c in inspect(engine).get_columns("products")}
    assert {"aliases", "material", "colours", "origin", "authenticity", "colour_note", "usage",
            "notes"} <= columns
    assert {c["name"] for c in inspect(engine).get_columns("product_skus")} == {
        "id", "product_id", "colour", "size", "stock"}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title, material FROM products")).all() == [
            ("旧宝贝", None)]
    engine.dispose()
    _alembic(db_url, "downgrade", "0005")
    engine = make_engine(db_url)
    assert "product_skus" not in inspect(engine).get_table_names()
    assert "material" not in {c["name"] for c in inspect(engine).get_columns("products")}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM products")).scalars().all() == ["旧宝贝"]
    engine.dispose()
    _alembic(db_url, "upgrade", "head")
