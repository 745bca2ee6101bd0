"""Order store schema (SQLAlchemy 1.4): shops, buyers, products and their SKUs (colour ×
size with stock), orders, shipments, after-sales cases and order flags (the seeds' 旗帜备注).

Order states follow the seeds' back office: 等待买家付款, 买家已付款 (awaiting
shipment), 卖家已发货, 交易成功, plus 退款中 and 交易关闭.
"""

from __future__ import annotations

import enum

from sqlalchemy import (
    JSON,
    Column,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.store.types import UTCDateTime

Base = declarative_base()


class OrderStatus(str, enum.Enum):
    awaiting_payment = "awaiting_payment"
    paid = "paid"
    shipped = "shipped"
    completed = "completed"
    refunding = "refunding"
    closed = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    OrderStatus.awaiting_payment: "等待买家付款",
    OrderStatus.paid: "买家已付款",
    OrderStatus.shipped: "卖家已发货",
    OrderStatus.completed: "交易成功",
    OrderStatus.refunding: "退款中",
    OrderStatus.closed: "交易关闭",
}
OPEN_STATUSES = (OrderStatus.awaiting_payment, OrderStatus.paid, OrderStatus.shipped,
                 OrderStatus.refunding)


class Shop(Base):
    __tablename__ = "shops"
    id = Column(String(32), primary_key=True)
    name = Column(String(100), nullable=False)
    ships_from = Column(String(50), nullable=False)


class Buyer(Base):
    __tablename__ = "buyers"
    id = Column(String(64), primary_key=True)
    shop_id = Column(String(32), ForeignKey("shops.id"), nullable=False, index=True)
    nick = Column(String(64), nullable=False)
    phone = Column(String(20))
    address = Column(Text)
    orders = relationship("Order", back_populates="buyer", order_by="Order.created_at")


class Product(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)
    shop_id = Column(String(32), ForeignKey("shops.id"), nullable=False, index=True)
    item_no = Column(String(20), nullable=False)  # the 12-digit 宝贝 id buyers paste
    title = Column(String(200), nullable=False)
    category = Column(String(50), nullable=False)
    price = Column(Numeric(10, 2), nullable=False)
    weight_kg = Column(Numeric(6, 2), nullable=False, default=1)
    # [{"size": "M", "height_cm": [155, 165], "weight_jin": [90, 110]}, ...]; shoes give
    # [{"size": "38", "foot_cm": [23.5, 24.0]}, ...] (foot length) instead
    size_chart = Column(JSON)
    # From the catalogue (data/shops/<shop>/catalogue.yml); NULL on rows stored before it.
    aliases = Column(JSON)            # ["连衣裙", "裙子", ...]: the names buyers use
    material = Column(String(200))    # 100%桑蚕丝 / 304不锈钢 / 配料：...
    colours = Column(JSON)            # ["藏青", "酒红"]; [] for food
    origin = Column(String(100))      # 产地
    authenticity = Column(String(200))  # 正品, 吊牌, 质检报告
    colour_note = Column(String(200))   # what the shop says about colour difference (色差)
    usage = Column(Text)              # care / washing, or how to use, store, shelf life
    notes = Column(Text)
    skus = relationship("ProductSku", back_populates="product", cascade="all, delete-orphan",
                        order_by="ProductSku.id")
    __table_args__ = (UniqueConstraint("shop_id", "item_no"),)


class ProductSku(Base):
    """One colour and size of a product with its stock (颜色分类 × 尺码)."""

    __tablename__ = "product_skus"
    id = Column(Integer, primary_key=True)
    product_id = Column(Integer, ForeignKey("products.id"), nullable=False, index=True)
    colour = Column(String(20))   # NULL for products without colours (food, tea)
    size = Column(String(10))     # NULL for unsized products
    stock = Column(Integer, nullable=False, default=0)
    product = relationship("Product", back_populates="skus")


class Order(Base):
    __tablename__ = "orders"
    id = Column(String(20), primary_key=True)  # Taobao-style order number
    shop_id = Column(String(32), ForeignKey("shops.id"), nullable=False, index=True)
    buyer_id = Column(String(64), ForeignKey("buyers.id"), nullable=False, index=True)
    status = Column(Enum(OrderStatus, name="order_status"), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    paid_at = Column(UTCDateTime())
    shipped_at = Column(UTCDateTime())
    delivered_at = Column(UTCDateTime())
    completed_at = Column(UTCDateTime())
    closed_at = Column(UTCDateTime())
    total = Column(Numeric(10, 2), nullable=False)
    postage = Column(Numeric(10, 2), nullable=False, default=0)
    receiver = Column(String(64))
    phone = Column(String(20))
    address = Column(Text)
    province = Column(String(20))
    buyer_note = Column(Text)
    buyer = relationship("Buyer", back_populates="orders")
    items = relationship("OrderItem", back_populates="order", cascade="all, delete-orphan")
    shipments = relationship("Shipment", back_populates="order", cascade="all, delete-orphan",
                             order_by="Shipment.shipped_at")
    after_sales = relationship("AfterSale", back_populates="order",
                               cascade="all, delete-orphan", order_by="AfterSale.created_at")
    flags = relationship("OrderFlag", back_populates="order", cascade="all, delete-orphan",
                         order_by="OrderFlag.created_at")


class OrderItem(Base):
    __tablename__ = "order_items"
    id = Column(Integer, primary_key=True)
    order_id = Column(String(20), ForeignKey("orders.id"), nullable=False, index=True)
    product_id = Column(Integer, ForeignKey("products.id"), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)
    price = Column(Numeric(10, 2), nullable=False)
    size = Column(String(10))
    colour = Column(String(20))
    order = relationship("Order", back_populates="items")
    product = relationship("Product")


class Shipment(Base):
    __tablename__ = "shipments"
    id = Column(Integer, primary_key=True)
    order_id = Column(String(20), ForeignKey("orders.id"), nullable=False, index=True)
    courier = Column(String(20), nullable=False)
    tracking_no = Column(String(30), nullable=False)
    shipped_at = Column(UTCDateTime(), nullable=False)
    delivered_at = Column(UTCDateTime())
    order = relationship("Order", back_populates="shipments")
    events = relationship("ShipmentEvent", back_populates="shipment",
                          cascade="all, delete-orphan", order_by="ShipmentEvent.at")


class ShipmentEvent(Base):
    __tablename__ = "shipment_events"
    id = Column(Integer, primary_key=True)
    shipment_id = Column(Integer, ForeignKey("shipments.id"), nullable=False, index=True)
    at = Column(UTCDateTime(), nullable=False)
    description = Column(String(200), nullable=False)
    location = Column(String(50))
    shipment = relationship("Shipment", back_populates="events")


class AfterSaleKind(str, enum.Enum):
    refund_only = "refund_only"        # 仅退款
    return_refund = "return_refund"    # 退货退款
    exchange = "exchange"              # 换货


class AfterSaleStatus(str, enum.Enum):
    requested = "requested"
    agreed = "agreed"
    goods_returned = "goods_returned"
    refunded = "refunded"
    rejected = "rejected"
    closed = "closed"


class AfterSale(Base):
    __tablename__ = "after_sales"
    id = Column(Integer, primary_key=True)
    order_id = Column(String(20), ForeignKey("orders.id"), nullable=False, index=True)
    kind = Column(Enum(AfterSaleKind, name="after_sale_kind"), nullable=False)
    status = Column(Enum(AfterSaleStatus, name="after_sale_status"), nullable=False)
    reason = Column(String(100), nullable=False)
    quality_issue = Column(Integer, nullable=False, default=0)  # 1 = 质量问题
    amount = Column(Numeric(10, 2), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    order = relationship("Order", back_populates="after_sales")


class FlagColour(str, enum.Enum):
    red = "red"
    yellow = "yellow"
    green = "green"
    blue = "blue"
    purple = "purple"


class OrderFlag(Base):
    """旗帜备注: a coloured flag with a note, e.g. 红旗 袖子处破损 等待买家退货."""

    __tablename__ = "order_flags"
    id = Column(Integer, primary_key=True)
    order_id = Column(String(20), ForeignKey("orders.id"), nullable=False, index=True)
    colour = Column(Enum(FlagColour, name="flag_colour"), nullable=False)
    note = Column(Text, nullable=False)
    author = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    order = relationship("Order", back_populates="flags")
