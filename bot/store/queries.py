"""Shop-scoped reads of the order store. Every query takes the shop id: an agent
of one shop can never reach another shop's buyers or orders through them."""

from __future__ import annotations

from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.store.models import OPEN_STATUSES, Buyer, Order, Product, ProductSku, Shipment

_ORDER_LOAD = (
    selectinload(Order.items),
    selectinload(Order.shipments).selectinload(Shipment.events),
    selectinload(Order.after_sales),
    selectinload(Order.flags),
)
# One order: a single joined query (a handful of rows) beats five follow-up queries.
_ONE_ORDER_LOAD = (
    joinedload(Order.items),
    joinedload(Order.shipments).joinedload(Shipment.events),
    joinedload(Order.after_sales),
    joinedload(Order.flags),
)


def find_order(session: Session, shop_id: str, order_id: str) -> Optional[Order]:
    stmt = (select(Order).where(Order.shop_id == shop_id, Order.id == order_id)
            .options(*_ONE_ORDER_LOAD))
    return session.execute(stmt).unique().scalar_one_or_none()


def buyer_orders(session: Session, shop_id: str, buyer_id: str,
                 open_only: bool = False) -> List[Order]:
    """The buyer's orders in this shop, newest first."""
    stmt = select(Order).where(Order.shop_id == shop_id, Order.buyer_id == buyer_id)
    if open_only:
        stmt = stmt.where(Order.status.in_(OPEN_STATUSES))
    stmt = stmt.order_by(Order.created_at.desc()).options(*_ORDER_LOAD)
    return list(session.execute(stmt).scalars())


def find_buyer(session: Session, shop_id: str, buyer_id: str) -> Optional[Buyer]:
    stmt = select(Buyer).where(Buyer.shop_id == shop_id, Buyer.id == buyer_id)
    return session.execute(stmt).scalar_one_or_none()


def find_product(session: Session, shop_id: str, item_no: str) -> Optional[Product]:
    """The product with this 宝贝 number in this shop, its SKUs loaded."""
    stmt = (select(Product).where(Product.shop_id == shop_id, Product.item_no == item_no)
            .options(selectinload(Product.skus)))
    return session.execute(stmt).scalar_one_or_none()


def product_stock(session: Session, shop_id: str, item_no: str) -> List[ProductSku]:
    """The product's SKUs (colour, size, stock) in catalogue order; [] for an unknown item."""
    stmt = (select(ProductSku).join(Product, ProductSku.product_id == Product.id)
            .where(Product.shop_id == shop_id, Product.item_no == item_no)
            .order_by(ProductSku.id))
    return list(session.execute(stmt).scalars())


def shop_products(session: Session, shop_id: str) -> List[Product]:
    stmt = select(Product).where(Product.shop_id == shop_id).order_by(Product.id)
    return list(session.execute(stmt).scalars())
