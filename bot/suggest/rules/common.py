"""What every intent's rules share: the order a turn is about, the conversational answers."""

from __future__ import annotations

from typing import Callable, List, Optional, Union

from sqlalchemy.orm import Session

from bot.offhours import back_time, closed_window
from bot.policy import ShopPolicy
from bot.store.models import Order, OrderStatus
from bot.suggest.context import (
    OrderLookup,
    Situation,
    Turn,
    order_label,
)

Rule = Callable[[Session, ShopPolicy, Turn, OrderLookup], List[Situation]]


def order_missing(lookup: OrderLookup) -> Optional[Situation]:
    """The situation that asks for the order when there is no single one to talk about."""
    if lookup.unknown_id:
        return Situation("unknown_order", {"order_id": lookup.unknown_id}, ["order.lookup"])
    if lookup.several:
        return Situation("ask_which_order",
                         {"order_list": "、".join(order_label(o) for o in lookup.several)},
                         ["buyer.open_orders"])
    if lookup.order is None:
        return Situation("ask_order_id")
    return None


def order_or_question(lookup: OrderLookup) -> Union[Order, Situation]:
    """The single order a turn is about, or the situation that asks for it."""
    missing = order_missing(lookup)
    if missing is not None:
        return missing
    assert lookup.order is not None
    return lookup.order


def after_sales(order: Order) -> Optional[Situation]:
    """A closed or refunding order answers every order question with its after-sales state."""
    status = OrderStatus(order.status)
    if status not in (OrderStatus.closed, OrderStatus.refunding):
        return None
    name = "refund_closed" if status == OrderStatus.closed else "refund_in_progress"
    return Situation(name, {"order_id": order.id}, [f"order.{order.id}.status"])


def simple(name: str) -> Rule:
    """A rule that always answers with one situation (the conversational intents)."""
    return lambda session, policy, turn, lookup: [Situation(name)]


def greet(session: Session, policy: ShopPolicy, turn: Turn,
          lookup: OrderLookup) -> List[Situation]:
    return [Situation("greet_open", {"shop_name": policy.name}, ["policy.name"])]


def handoff(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    """转人工: the agent answers as the human they are; off hours (a message read when the
    shop opens, or answered by whoever is on late), when the agents are back."""
    window = closed_window(policy, turn.now)
    if window is None:
        return [Situation("handoff")]
    return [Situation("handoff_offhours", {"open_time": back_time(window, turn.now)},
                      ["policy.business_hours"]), Situation("handoff", score=0.8)]


def invoice(session: Session, policy: ShopPolicy, turn: Turn,
            lookup: OrderLookup) -> List[Situation]:
    return [Situation("invoice_yes"), Situation("invoice_ask_details", score=0.9)]
