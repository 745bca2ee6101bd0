"""Demo data: two shops modelled on the seeds, their products from the catalogue files
(data/shops/<shop>/catalogue.yml, with SKUs and stock), a few hundred orders in every
state, and one documented demo buyer per order state (``<shop>-<state>``).

Deterministic for a given ``now`` and seed, so tests and replays see the same
orders. Times are relative to ``now``: ``wuhan-delivered_3_days_ago`` really
was delivered three days before the moment the data was loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Dict, List, Optional

from sqlalchemy.orm import Session

from bot.catalogue import CatalogueItem, load_catalogue
from bot.store.models import (
    AfterSale,
    AfterSaleKind,
    AfterSaleStatus,
    Buyer,
    FlagColour,
    Order,
    OrderFlag,
    OrderItem,
    OrderStatus,
    Product,
    ProductSku,
    Shipment,
    ShipmentEvent,
    Shop,
)

SHOPS = {"wuhan": ("暖暖家居旗舰店", "湖北 武汉"), "shanghai": ("暖暖服饰上海店", "上海")}

# 上衣尺码表 (height cm, weight 斤): the chart the catalogue's tops use (``size_charts.top``
# in data/shops/*/catalogue.yml; tests/bot/test_catalogue.py keeps the two equal).
TOP_CHART = [
    {"size": "S", "height_cm": [150, 160], "weight_jin": [80, 100]},
    {"size": "M", "height_cm": [158, 166], "weight_jin": [95, 115]},
    {"size": "L", "height_cm": [163, 171], "weight_jin": [110, 130]},
    {"size": "XL", "height_cm": [168, 176], "weight_jin": [125, 145]},
    {"size": "XXL", "height_cm": [173, 181], "weight_jin": [140, 165]},
    {"size": "XXXL", "height_cm": [178, 190], "weight_jin": [160, 190]},
]
COURIERS = ["中通", "圆通", "韵达", "申通", "顺丰"]
TRACKING_PREFIX = {"中通": "ZT", "圆通": "YT", "韵达": "YD", "申通": "ST", "顺丰": "SF"}
PLACES = [("湖北", "武汉市洪山区珞喻路"), ("湖北", "宜昌市西陵区"), ("上海", "上海市浦东新区张江路"),
          ("浙江", "杭州市西湖区文三路"), ("江苏", "苏州市工业园区星湖街"), ("北京", "北京市朝阳区望京街"),
          ("广东", "广州市天河区体育西路"), ("新疆", "乌鲁木齐市天山区解放北路"),
          ("黑龙江", "哈尔滨市南岗区西大直街"), ("四川", "成都市武侯区人民南路"),
          ("西藏", "拉萨市城关区北京中路"),
          ("山西", "太原市小店区长风街"), ("山东", "青岛市市南区香港中路")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"

# The documented demo buyers: state name → what their orders look like.
DEMO_STATES = {
    "none": "no order at all",
    "awaiting_payment": "one order placed 1 hour ago, not paid (等待买家付款)",
    "paid_not_shipped": "paid 5 hours ago, inside the 24 h promise (买家已付款)",
    "paid_overdue": "paid 30 hours ago, past the 24 h promise, not shipped",
    "shipped_in_transit": "shipped yesterday, parcel on its way (卖家已发货)",
    "delivered_3_days_ago": "delivered 3 days ago, not confirmed: inside 七天无理由",
    "completed_20_days_ago": "交易成功 20 days ago: outside 七天无理由",
    "refunding": "return requested for a quality problem (退款中), red flag noted",
    "closed": "order closed after a refund (交易关闭)",
    "several_open": "two open orders: one paid, one shipped",
}


class _Builder:
    def __init__(self, session: Session, shop_id: str, now: dt.datetime, rng: random.Random):
        self.session, self.shop_id, self.now, self.rng = session, shop_id, now, rng
        self.products: List[Product] = []

    def order_number(self) -> str:
        return str(self.rng.randrange(10**17, 10**18)) + str(self.rng.randrange(10))

    def buyer(self, buyer_id: str, nick: Optional[str] = None) -> Buyer:
        province, street = self.rng.choice(PLACES)
        b = Buyer(id=buyer_id, shop_id=self.shop_id, nick=nick or f"tb{self.rng.randrange(10**7)}",
                  phone=f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}",
                  address=f"{street}{self.rng.randrange(1, 300)}号{self.rng.randrange(1, 30)}-"
                          f"{self.rng.randrange(101, 2600)}")
        b.province = province  # type: ignore[attr-defined]
        self.session.add(b)
        return b

    def order(self, buyer: Buyer, status: OrderStatus, placed_hours_ago: float,
              paid_after_h: float = 0.1, shipped_after_h: Optional[float] = None,
              delivered_after_h: Optional[float] = None) -> Order:
        product = self.rng.choice(self.products)
        quantity = self.rng.choice([1, 1, 1, 2, 3])
        created = self.now - dt.timedelta(hours=placed_hours_ago)
        sku = self.rng.choice(product.skus)  # a colour and size the product comes in
        total = Decimal(product.price) * quantity
        order = Order(
            id=self.order_number(), shop_id=self.shop_id, buyer_id=buyer.id, status=status,
            created_at=created, total=total, postage=Decimal("0") if total >= 99 else Decimal("12"),
            receiver=f"{self.rng.choice(SURNAMES)}**", phone=buyer.phone, address=buyer.address,
            province=getattr(buyer, "province", None))
        order.items.append(OrderItem(product=product, quantity=quantity, price=product.price,
                                     size=sku.size, colour=sku.colour))
        if status != OrderStatus.awaiting_payment:
            order.paid_at = created + dt.timedelta(hours=paid_after_h)
        if shipped_after_h is not None:
            shipped = created + dt.timedelta(hours=shipped_after_h)
            order.shipped_at = shipped
            courier = self.rng.choice(COURIERS)
            tracking_no = f"{TRACKING_PREFIX[courier]}{self.rng.randrange(10**11, 10**12)}"
            shipment = Shipment(courier=courier, tracking_no=tracking_no, shipped_at=shipped)
            shipment.events.append(ShipmentEvent(at=shipped, description="已揽收",
                                                 location=SHOPS[self.shop_id][1].split()[-1]))
            shipment.events.append(ShipmentEvent(at=shipped + dt.timedelta(hours=8),
                                                 description="已发出，下一站转运中心",
                                                 location="转运中心"))
            if delivered_after_h is not None:
                delivered = created + dt.timedelta(hours=delivered_after_h)
                shipment.delivered_at = order.delivered_at = delivered
                shipment.events.append(ShipmentEvent(at=delivered, description="已签收",
                                                     location=order.province))
            order.shipments.append(shipment)
        if status == OrderStatus.completed:
            order.completed_at = (order.delivered_at or created) + dt.timedelta(days=1)
        if status in (OrderStatus.refunding, OrderStatus.closed):
            order.after_sales.append(AfterSale(
                kind=AfterSaleKind.return_refund if order.shipped_at else AfterSaleKind.refund_only,
                status=AfterSaleStatus.requested if status == OrderStatus.refunding
                else AfterSaleStatus.refunded,
                reason="质量问题" if order.shipped_at else "不想要了",
                quality_issue=1 if order.shipped_at else 0, amount=total,
                created_at=created + dt.timedelta(hours=max(paid_after_h + 1, (delivered_after_h or 0) + 1))))
        if status == OrderStatus.closed:
            order.closed_at = order.after_sales[-1].created_at + dt.timedelta(days=1)
        self.session.add(order)
        return order


def _random_order(b: _Builder, buyer: Buyer) -> None:
    status = b.rng.choice(list(OrderStatus))
    hours = {OrderStatus.awaiting_payment: b.rng.uniform(0.2, 20),
             OrderStatus.paid: b.rng.uniform(0.5, 40),
             OrderStatus.shipped: b.rng.uniform(20, 200),
             OrderStatus.completed: b.rng.uniform(200, 2000),
             OrderStatus.refunding: b.rng.uniform(30, 300),
             OrderStatus.closed: b.rng.uniform(50, 2000)}[status]
    shipped = None if status in (OrderStatus.awaiting_payment, OrderStatus.paid) else min(
        hours - 0.5, b.rng.uniform(2, 24))
    if status == OrderStatus.closed and b.rng.random() < 0.5:
        shipped = None
    delivered = None
    if shipped is not None and (status != OrderStatus.shipped or b.rng.random() < 0.4):
        delivered = min(hours - 0.2, shipped + b.rng.uniform(24, 96))
        delivered = delivered if delivered > shipped else None
    b.order(buyer, status, hours, shipped_after_h=shipped, delivered_after_h=delivered)


def load_demo(session: Session, now: Optional[dt.datetime] = None, seed: int = 7,
              orders_per_shop: int = 200) -> Dict[str, int]:
    """Replace all shop data with the demo shops; returns counts per table."""
    now = now or dt.datetime.now(dt.timezone.utc)
    for model in (OrderFlag, AfterSale, ShipmentEvent, Shipment, OrderItem, Order, ProductSku,
                  Product, Buyer, Shop):
        session.query(model).delete()
    session.flush()
    rng = random.Random(seed)
    for shop_id, (name, ships_from) in SHOPS.items():
        session.add(Shop(id=shop_id, name=name, ships_from=ships_from))
        session.flush()  # shops first: buyers and products refer to them
        b = _Builder(session, shop_id, now, rng)
        for item in load_catalogue(shop_id):
            product = product_from_catalogue(shop_id, item)
            b.products.append(product)
            session.add(product)
        _demo_buyers(b)
        buyers = [b.buyer(f"{shop_id}-buyer{i:03d}") for i in range(orders_per_shop // 2)]
        for _ in range(orders_per_shop):
            _random_order(b, rng.choice(buyers))
    session.flush()
    return {model.__tablename__: session.query(model).count()
            for model in (Shop, Buyer, Product, ProductSku, Order, Shipment, AfterSale, OrderFlag)}


def product_from_catalogue(shop_id: str, item: CatalogueItem) -> Product:
    """The order store's row (with its SKUs) for a catalogue product."""
    product = Product(
        shop_id=shop_id, item_no=item.item_no, title=item.title, category=item.category,
        price=Decimal(item.price), weight_kg=Decimal(str(item.weight_kg)),
        size_chart=[dict(row) for row in item.size_chart] if item.size_chart else None,
        aliases=list(item.aliases), material=item.material, colours=list(item.colours),
        origin=item.origin, authenticity=item.authenticity, colour_note=item.colour_note,
        usage=item.usage, notes=item.notes)
    product.skus = [ProductSku(colour=s.colour, size=s.size, stock=s.stock) for s in item.skus]
    return product


def _demo_buyers(b: _Builder) -> None:
    s = b.shop_id
    b.buyer(f"{s}-none", "演示-无订单")
    b.order(b.buyer(f"{s}-awaiting_payment", "演示-待付款"), OrderStatus.awaiting_payment, 1)
    b.order(b.buyer(f"{s}-paid_not_shipped", "演示-已付款"), OrderStatus.paid, 5, paid_after_h=0.2)
    b.order(b.buyer(f"{s}-paid_overdue", "演示-超时未发"), OrderStatus.paid, 30, paid_after_h=0.1)
    b.order(b.buyer(f"{s}-shipped_in_transit", "演示-运输中"), OrderStatus.shipped, 30,
            shipped_after_h=6)
    b.order(b.buyer(f"{s}-delivered_3_days_ago", "演示-已签收"), OrderStatus.shipped, 24 * 6,
            shipped_after_h=10, delivered_after_h=24 * 3)
    b.order(b.buyer(f"{s}-completed_20_days_ago", "演示-交易成功"), OrderStatus.completed,
            24 * 25, shipped_after_h=10, delivered_after_h=24 * 4)
    refunding = b.order(b.buyer(f"{s}-refunding", "演示-退款中"), OrderStatus.refunding, 24 * 5,
                        shipped_after_h=10, delivered_after_h=24 * 3)
    refunding.flags.append(OrderFlag(colour=FlagColour.red, note="袖子处破损 等待买家退货",
                                     author="客服小美", created_at=b.now - dt.timedelta(days=1)))
    b.order(b.buyer(f"{s}-closed", "演示-已关闭"), OrderStatus.closed, 24 * 10, paid_after_h=0.2)
    several = b.buyer(f"{s}-several_open", "演示-多单")
    b.order(several, OrderStatus.paid, 3)
    b.order(several, OrderStatus.shipped, 48, shipped_after_h=12)


def create_demo_database(url: str, now: Optional[dt.datetime] = None) -> Dict[str, int]:
    """Migrate the database at ``url`` and load the demo shops into it; counts per table.
    For `python -m bot demo-data`, the tests and the benchmarks."""
    from bot.store.db import make_engine, migrate, session_factory, session_scope

    migrate(url)
    engine = make_engine(url)
    try:
        with session_scope(session_factory(engine)) as session:
            return load_demo(session, now=now)
    finally:
        engine.dispose()
