"""Moments keep their instant through SQLite, whatever offset they were written with."""

import datetime as dt

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot.store.models import Base, Buyer, Order, OrderStatus, Shop

CHINA = dt.timezone(dt.timedelta(hours=8))


def test_a_china_time_is_read_back_as_the_same_instant_on_sqlite() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    paid = dt.datetime(2026, 11, 22, 8, 6, tzinfo=CHINA)   # = 00:06 UTC
    with Session(engine) as session:
        session.add(Shop(id="s", name="店", ships_from="武汉"))
        session.add(Buyer(id="b", shop_id="s", nick="买家"))
        session.add(Order(id="1", shop_id="s", buyer_id="b", status=OrderStatus.paid,
                          created_at=paid, paid_at=paid, total="10.00"))
        session.commit()
    with Session(engine) as session:
        order = session.get(Order, "1")
        assert order.paid_at == paid
        assert order.paid_at.utcoffset() == dt.timedelta(0)
        # a paid-30-hours-ago order is past its 24 h promise, not eight hours short of it
        assert dt.datetime(2026, 11, 23, 14, 0, tzinfo=CHINA) - order.paid_at > dt.timedelta(hours=24)
