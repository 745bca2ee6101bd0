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
