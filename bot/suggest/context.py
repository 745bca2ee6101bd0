"""What a suggestion is built from: the message, the buyer's order, the shop policy."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.dialogue.mood import Mood
from bot.policy import ShopPolicy
from bot.store.models import Order, OrderStatus
from bot.store.queries import buyer_orders, find_order


@dataclass
class Situation:
    """A situation to answer, the slot values it has, the facts they come from."""

    name: str
    values: Dict[str, Any] = field(default_factory=dict)
    facts: List[str] = field(default_factory=list)
    score: float = 1.0


def turn_time(value: Any) -> dt.datetime:
    """The ``now`` a client put in a message's metadata (ISO; naive means China time),
    or the current time when there is none or it does not parse."""
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
        except ValueError:
            pass
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Turn:
    shop_id: str
    intent: str
    text: str = ""
    entities: List[Dict[str, Any]] = field(default_factory=list)
    buyer_id: Optional[str] = None
    order_id: Optional[str] = None          # remembered from earlier turns (Rasa slot)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    subtopic: Optional[str] = None          # what exactly is asked within the intent
    subtopics: Dict[str, str] = field(default_factory=dict)  # the sub-topic under each ranked intent
    subtopic_runner_up: Optional[str] = None  # the intent's second sub-topic, when close
    confidence: float = 1.0                 # the NLU's confidence in the intent
    ranking: List[Dict[str, Any]] = field(default_factory=list)  # the NLU's intent ranking
    note: Optional[str] = None              # the carried context, for the agent
    reason: Optional[str] = None            # the kind of problem carried (quality, …)
    item_id: Optional[str] = None           # the item in question (its item number)
    item_source: Optional[str] = None       # link, name, metadata, carried
    item_candidates: List[str] = field(default_factory=list)
    mood: Mood = field(default_factory=Mood)

    def entity(self, name: str) -> Optional[Dict[str, Any]]:
        return next((e for e in self.entities if e.get("entity") == name), None)

    def value(self, name: str) -> Optional[str]:
        e = self.entity(name)
        return None if e is None else str(e.get("value"))


@dataclass
class OrderLookup:
    """The order a turn is about, or why there is none."""

    order: Optional[Order] = None
    unknown_id: Optional[str] = None         # the buyer gave a number we do not have
    several: List[Order] = field(default_factory=list)
    none: bool = False                        # the buyer has no order at all
    anonymous: bool = False                   # no buyer id and no order number


# Words that say which of several open orders is meant: the one not sent yet (还有一单
#一直没发的), or the one on its way (快递摔烂了 我还没签).
_UNSENT = re.compile(r"没发|不发|未发|没有发|快点发|催发|还没付")
_ON_ITS_WAY = re.compile(r"物流|快递|在路上|派送|没签|签收|拒收|拒签|包裹|到哪")


def _meant_by_state(text: str, orders: List[Order]) -> Optional[Order]:
    """The single open order the words point to by its state, if exactly one."""
    for cue, states in ((_UNSENT, (OrderStatus.awaiting_payment, OrderStatus.paid)),
                        (_ON_ITS_WAY, (OrderStatus.shipped,))):
        if cue.search(text):
            picked = [o for o in orders if OrderStatus(o.status) in states]
            if len(picked) == 1:
                return picked[0]
    return None


def find_turn_order(session: Session, turn: Turn) -> OrderLookup:
    given = turn.value("order_id")
    if given:
        order = find_order(session, turn.shop_id, given)
        return OrderLookup(order=order) if order else OrderLookup(unknown_id=given)
    if turn.order_id:
        order = find_order(session, turn.shop_id, turn.order_id)
        if order:
            return OrderLookup(order=order)
    if not turn.buyer_id:
        return OrderLookup(anonymous=True)
    open_orders = buyer_orders(session, turn.shop_id, turn.buyer_id, open_only=True)
    if len(open_orders) == 1:
        return OrderLookup(order=open_orders[0])
    if len(open_orders) > 1:
        meant = _meant_by_state(turn.text, open_orders)
        return OrderLookup(order=meant) if meant else OrderLookup(several=open_orders)
    every = buyer_orders(session, turn.shop_id, turn.buyer_id)
    return OrderLookup(order=every[0]) if every else OrderLookup(none=True)


def aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def shop_time(policy: ShopPolicy, value: dt.datetime, with_date: bool = True) -> str:
    local = aware(value).astimezone(ZoneInfo(policy.timezone))  # type: ignore[union-attr]
    clock = local.strftime("%H:%M")
    return f"{local.month}月{local.day}日{clock}" if with_date else clock


def order_label(order: Order) -> str:
    return f"{order.id}({OrderStatus(order.status).label})"


def ship_deadline(policy: ShopPolicy, order: Order) -> Optional[dt.datetime]:
    paid = aware(order.paid_at)
    return None if paid is None else paid + dt.timedelta(hours=policy.ship_within_hours)
