from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.db import make_engine, migrate
from bot.store.demo import DEMO_STATES, load_demo
from bot.store.models import Buyer, Order, OrderStatus
from bot.store.queries import buyer_orders, find_buyer, find_order, shop_products
from tests.bot.store.conftest import NOW


def test_migrations_create_the_schema_from_empty(db_url: str) -> None:
    migrate(db_url)
    tables = set(inspect(make_engine(db_url)).get_table_names())
    assert {"shops", "buyers", "products", "orders", "order_items", "shipments",
            "shipment_events", "after_sales", "order_flags", "alembic_version"} <= tables
    migrate(db_url)  # running again is a no-op


def test_demo_data_has_every_state_in_both_shops(session: Session) -> None:
    counts = load_demo(session, now=NOW)
    session.commit()
    assert counts["orders"] >= 400
    for shop in ("wuhan", "shanghai"):
        states = {o.status for o in session.query(Order).filter_by(shop_id=shop)}
        assert states == set(OrderStatus)
        for state in DEMO_STATES:
            assert find_buyer(session, shop, f"{shop}-{state}") is not None


def test_demo_buyers_are_in_their_documented_state(session: Session) -> None:
    load_demo(session, now=NOW)
    session.commit()
    assert buyer_orders(session, "wuhan", "wuhan-none") == []
    [unpaid] = buyer_orders(session, "wuhan", "wuhan-awaiting_payment")
    assert unpaid.status == OrderStatus.awaiting_payment and unpaid.paid_at is None
    [delivered] = buyer_orders(session, "shanghai", "shanghai-delivered_3_days_ago")
    assert delivered.status == OrderStatus.shipped
    age = NOW - delivered.delivered_at.replace(tzinfo=delivered.delivered_at.tzinfo or dt.timezone.utc)
    assert dt.timedelta(days=2.9) < age < dt.timedelta(days=3.1)
    shipment = delivered.shipments[0]
    assert shipment.courier and shipment.tracking_no and shipment.events[-1].description == "已签收"
    [refunding] = buyer_orders(session, "wuhan", "wuhan-refunding")
    assert refunding.after_sales[0].quality_issue == 1
    assert refunding.flags[0].note.startswith("袖子处破损")
    several = buyer_orders(session, "wuhan", "wuhan-several_open", open_only=True)
    assert {o.status for o in several} == {OrderStatus.paid, OrderStatus.shipped}


def test_queries_never_cross_shops(session: Session) -> None:
    load_demo(session, now=NOW)
    session.commit()
    [order] = buyer_orders(session, "wuhan", "wuhan-paid_not_shipped")
    assert find_order(session, "wuhan", order.id) is not None
    assert find_order(session, "shanghai", order.id) is None
    assert buyer_orders(session, "shanghai", "wuhan-paid_not_shipped") == []
    assert all(p.shop_id == "shanghai" for p in shop_products(session, "shanghai"))


def test_demo_data_is_deterministic_and_reloadable(session: Session) -> None:
    load_demo(session, now=NOW)
    session.commit()
    first = sorted(o.id for o in session.query(Order))
    load_demo(session, now=NOW)
    session.commit()
    assert sorted(o.id for o in session.query(Order)) == first


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Buyer(id="x", shop_id="no-such-shop", nick="x"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_demo_products_are_the_catalogue_with_skus_and_stock(session: Session) -> None:
    from bot.catalogue import load_catalogue

    load_demo(session, now=NOW)
    session.commit()
    for shop in ("wuhan", "shanghai"):
        products = shop_products(session, shop)
        catalogue = load_catalogue(shop)
        assert [p.item_no for p in products] == [i.item_no for i in catalogue]
        for product, item in zip(products, catalogue, strict=True):
            assert product.title == item.title and str(product.price) == item.price
            assert product.aliases == list(item.aliases) and product.material == item.material
            assert [(s.colour, s.size, s.stock) for s in product.skus] == [
                (s.colour, s.size, s.stock) for s in item.skus]
        stock = [s.stock for p in products for s in p.skus]
        assert sum(stock) > 0 and 0 in stock


def test_find_product_loads_the_skus_and_product_stock_lists_them(session: Session) -> None:
    from bot.store.queries import find_product, product_stock

    load_demo(session, now=NOW)
    session.commit()
    session.expunge_all()
    dress = next(p for p in shop_products(session, "shanghai") if p.title == "真丝连衣裙")
    session.expunge_all()
    found = find_product(session, "shanghai", dress.item_no)
    assert found is not None and "skus" in found.__dict__  # loaded with the product
    sold_out = {(s.colour, s.size) for s in found.skus if s.stock == 0}
    assert ("酒红", "L") in sold_out
    assert [(s.colour, s.size, s.stock) for s in product_stock(session, "shanghai", dress.item_no)] \
        == [(s.colour, s.size, s.stock) for s in found.skus]
    assert product_stock(session, "wuhan", dress.item_no) == []  # never across shops
    assert find_product(session, "wuhan", dress.item_no) is None


def test_order_items_are_a_colour_and_size_their_product_comes_in(session: Session) -> None:
    from bot.store.models import OrderItem

    load_demo(session, now=NOW)
    session.commit()
    items = session.query(OrderItem).all()
    assert items
    for item in items:
        assert (item.colour, item.size) in {(s.colour, s.size) for s in item.product.skus}
