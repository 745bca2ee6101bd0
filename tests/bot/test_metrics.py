"""Supervisors' metrics on a small store with known times: exact counts, rates and
reply-time percentiles, grouped by Shanghai-local days (UTC+8, so local days begin
at 16:00 UTC)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.assist.metrics import Days, all_shops_summary, percentile, shop_metrics
from bot.store.db import make_engine, migrate, session_factory
from bot.store.demo import load_demo
from bot.store.service_models import (
    BuyerMessage,
    Conversation,
    MessageState,
    Reply,
    ReplyKind,
    Suggestion,
    SuggestionStatus,
    as_utc,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SINCE = dt.datetime(2026, 11, 21, 0, 0, tzinfo=SHANGHAI)
UNTIL = dt.datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)


def local(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        load_demo(s, now=UNTIL, orders_per_shop=4)
        s.commit()
        yield s
    engine.dispose()


class Store:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.count = 0

    def message(self, at: dt.datetime, intent: Optional[str], shop: str = "wuhan") -> BuyerMessage:
        self.count += 1
        conversation = Conversation(shop_id=shop, external_id=f"c{self.count}", created_at=as_utc(at),
                                    last_message_at=as_utc(at))
        message = BuyerMessage(shop_id=shop, conversation=conversation, text="在吗",
                               client_message_id=f"m{self.count}", received_at=as_utc(at),
                               intent=intent, confidence=0.9)
        self.session.add_all([conversation, message])
        self.session.flush()
        return message

    def suggestion(self, message: BuyerMessage, status: str = "pending", by: Optional[str] = None,
                   at: Optional[dt.datetime] = None) -> Suggestion:
        suggestion = Suggestion(message=message, rank=len(message.suggestions), text="亲，在的",
                                intent=message.intent, status=SuggestionStatus(status),
                                decided_by=by, decided_at=as_utc(at) if at else None)
        self.session.add(suggestion)
        self.session.flush()
        return suggestion

    def reply(self, message: BuyerMessage, kind: str, at: dt.datetime, by: Optional[str] = None,
              suggestion: Optional[Suggestion] = None) -> None:
        window = at.date().isoformat() if kind == "auto_offhours" else None
        self.session.add(Reply(conversation=message.conversation, message=message, kind=ReplyKind(kind),
                               suggestion=suggestion, text="好的", approved_by=by,
                               offhours_window=window, created_at=as_utc(at)))
        self.session.flush()

    def settle(self, message: BuyerMessage, state: str, by: str, at: dt.datetime) -> None:
        """An agent marks the message handled or skipped (no reply)."""
        message.state, message.settled_by = MessageState(state), by
        message.settled_at = as_utc(at)
        self.session.flush()

    def decide(self, message: BuyerMessage, status: str, by: str, at: dt.datetime) -> None:
        """An agent approves (or edits) a suggestion and the reply goes out at ``at``."""
        suggestion = self.suggestion(message, status, by, at)
        self.reply(message, status, at, by, suggestion)


@pytest.fixture
def figures(session: Session) -> Dict[str, Any]:
    s = Store(session)
    m1 = s.message(local(21, 10), "shipping_query")
    s.decide(m1, "approved", "alice", local(21, 10, 1))                # 60 s
    s.suggestion(m1)                                                    # a second one, never decided
    m2 = s.message(local(21, 23, 59, 30), "refund")                     # 15:59:30 UTC: local 21st
    s.suggestion(m2, "rejected", "bob", local(22, 0, 0, 10))
    s.reply(m2, "free_text", local(22, 0, 2), "bob")                    # 150 s, across midnight
    m3 = s.message(local(22, 7, 30), "nlu_fallback")                    # 23:30 UTC on the 21st
    s.reply(m3, "auto_offhours", local(22, 7, 30, 5))                   # not an agent's reply
    s.decide(m3, "edited", "alice", local(22, 9))                       # 5400 s
    m4 = s.message(local(22, 12), "shipping_query")
    s.decide(m4, "approved", "alice", local(22, 12, 0, 30))             # 30 s
    s.reply(m4, "free_text", local(22, 12, 5), "bob")                   # a second reply: not timed
    m5 = s.message(local(23, 8), "greet")                               # midnight UTC
    s.reply(m5, "auto_offhours", local(23, 8, 0, 1))
    s.settle(m5, "handled", "alice", local(23, 8, 5))                   # no reply needed
    m9 = s.message(local(23, 9), "nlu_fallback")
    s.suggestion(m9, "rejected", "alice", local(23, 9, 1))
    s.reply(m9, "free_text", local(23, 9, 3), "bob")                    # 180 s
    # outside the window or the shop: none of these counts as a message
    m6 = s.message(local(20, 23, 59), "refund")
    s.reply(m6, "auto_offhours", local(20, 23, 59, 10))
    s.suggestion(m6, "rejected", "bob", local(21, 0, 10))               # ...but bob's reject does
    s.settle(m6, "skipped", "bob", local(21, 0, 20))                    # ...and so does his skip
    early = s.message(local(20, 22), "greet")
    s.settle(early, "skipped", "bob", local(20, 22, 1))                 # done before the window
    s.message(UNTIL, "greet")
    other = s.message(local(22, 10), "refund", shop="shanghai")
    s.decide(other, "approved", "carol", local(22, 10, 1))
    session.commit()
    return shop_metrics(session, "wuhan", SINCE, UNTIL)


def test_days_are_shop_local(figures: Dict[str, Any]) -> None:
    assert figures["days"] == ["2026-11-21", "2026-11-22", "2026-11-23"]
    assert figures["timezone"] == "Asia/Shanghai"
    assert figures["intents_by_day"] == {"greet": [0, 0, 1], "nlu_fallback": [0, 1, 1],
                                         "refund": [1, 0, 0], "shipping_query": [1, 1, 0]}
    assert figures["messages_per_day"] == [2, 2, 2]
    assert figures["fallback_rate"] == {"per_day": [0.0, 0.5, 0.5], "overall": 0.3333}


def test_per_intent_decisions(figures: Dict[str, Any]) -> None:
    rows = {row.pop("intent"): row for row in figures["per_intent"]}
    assert rows["shipping_query"] == {"messages": 2, "decided": 2, "approved": 2, "edited": 0,
                                      "rejected": 0, "acceptance_rate": 1.0, "edit_rate": 0.0}
    assert rows["refund"] == {"messages": 1, "decided": 1, "approved": 0, "edited": 0,
                              "rejected": 1, "acceptance_rate": 0.0, "edit_rate": None}
    assert rows["nlu_fallback"] == {"messages": 2, "decided": 2, "approved": 0, "edited": 1,
                                    "rejected": 1, "acceptance_rate": 0.5, "edit_rate": 1.0}
    assert rows["greet"] == {"messages": 1, "decided": 0, "approved": 0, "edited": 0,
                             "rejected": 0, "acceptance_rate": None, "edit_rate": None}


def test_reply_time_to_the_first_agent_reply(figures: Dict[str, Any]) -> None:
    times = figures["reply_time"]
    # [30, 60, 150, 180, 5400]: p90 interpolates 180 + 0.6 * (5400 - 180)
    assert (times["answered"], times["p50"], times["p90"]) == (5, 150.0, 3312.0)
    assert times["p50_per_day"] == [105.0, 2715.0, 180.0]
    assert times["per_agent"] == [{"agent": "alice", "replies": 3, "p50": 60.0},
                                  {"agent": "bob", "replies": 2, "p50": 165.0}]


def test_agents_and_auto_replies(figures: Dict[str, Any]) -> None:
    assert figures["per_agent"] == [
        {"agent": "alice", "replies": 3, "approved": 2, "edited": 1, "free_text": 0, "rejected": 1,
         "handled": 1, "skipped": 0, "acceptance_rate": 0.75},
        {"agent": "bob", "replies": 3, "approved": 0, "edited": 0, "free_text": 3, "rejected": 2,
         "handled": 0, "skipped": 1, "acceptance_rate": 0.0}]
    assert figures["offhours_auto_replies"] == [0, 1, 1]
    assert figures["totals"] == {"messages": 6, "replies": 6, "auto_replies": 2, "decided": 5,
                                 "acceptance_rate": 0.6, "handled": 1, "skipped": 1}


def test_summary_of_every_shop(figures: Dict[str, Any], session: Session) -> None:
    rows = all_shops_summary(session, ["shanghai", "wuhan"], SINCE, UNTIL)
    assert rows == [
        {"shop_id": "shanghai", "messages": 1, "replies": 1, "auto_replies": 0, "decided": 1,
         "acceptance_rate": 1.0, "handled": 0, "skipped": 0, "fallback_rate": 0.0,
         "reply_time_p50": 60.0},
        {"shop_id": "wuhan", "messages": 6, "replies": 6, "auto_replies": 2, "decided": 5,
         "acceptance_rate": 0.6, "handled": 1, "skipped": 1, "fallback_rate": 0.3333,
         "reply_time_p50": 150.0}]


def test_empty_days_and_an_empty_shop(session: Session) -> None:
    figures = shop_metrics(session, "wuhan", local(20, 0), local(22, 0))
    assert figures["days"] == ["2026-11-20", "2026-11-21"]
    assert figures["intents_by_day"] == {} and figures["per_intent"] == []
    assert figures["fallback_rate"] == {"per_day": [None, None], "overall": None}
    assert figures["reply_time"]["p50_per_day"] == [None, None]
    assert figures["reply_time"]["p50"] is None
    assert figures["totals"]["messages"] == 0 and figures["offhours_auto_replies"] == [0, 0]


def test_day_boundaries_across_utc_midnight() -> None:
    days = Days(local(21, 0), local(23, 0), dt.timezone(dt.timedelta(hours=8)))  # type: ignore[arg-type]
    assert [d.isoformat() for d in days.dates] == ["2026-11-21", "2026-11-22"]
    utc = dt.timezone.utc
    assert days.starts == [dt.datetime(2026, 11, 21, 16, 0, tzinfo=utc)]
    assert days.of(dt.datetime(2026, 11, 21, 15, 59, 59, tzinfo=utc)) == 0
    assert days.of(dt.datetime(2026, 11, 21, 16, 0, tzinfo=utc)) == 1
    assert days.of(dt.datetime(2026, 11, 22, 0, 30, tzinfo=utc)) == 1


def test_percentiles() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([10, 0, 20, 30, 40], 0.9) == 36.0


def test_fast_on_tens_of_thousands_of_messages(session: Session) -> None:
    conversation = Conversation(shop_id="wuhan", external_id="busy")
    session.add(conversation)
    session.flush()
    start = as_utc(SINCE)
    intents = ["greet", "shipping_query", "refund", "nlu_fallback"]
    session.execute(insert(BuyerMessage), [
        {"shop_id": "wuhan", "conversation_id": conversation.id, "client_message_id": f"b{i}",
         "text": "在吗", "received_at": start + dt.timedelta(seconds=10 * i),
         "intent": intents[i % 4], "ranking": [], "entities": [], "tokens": [],
         "escalate": False, "degraded": False} for i in range(20000)])
    ids = [row[0] for row in session.execute(BuyerMessage.__table__.select()
                                             .with_only_columns(BuyerMessage.id))]
    session.execute(insert(Suggestion), [
        {"message_id": message_id, "rank": rank, "text": "好的", "intent": "greet",
         "status": "approved" if rank == 0 else "pending", "decided_by": "agent1"}
        for message_id in ids for rank in range(2)])
    session.execute(insert(Reply), [
        {"conversation_id": conversation.id, "message_id": message_id, "kind": "approved",
         "text": "好的", "approved_by": f"agent{message_id % 5}",
         "created_at": start + dt.timedelta(seconds=10 * n + 30)} for n, message_id in enumerate(ids)])
    session.commit()
    began = time.perf_counter()
    figures = shop_metrics(session, "wuhan", SINCE, SINCE + dt.timedelta(days=14))
    elapsed = time.perf_counter() - began
    assert figures["totals"]["messages"] == 20000 and figures["reply_time"]["p50"] == 30.0
    assert sum(figures["intents_by_day"]["refund"]) == 5000
    assert figures["totals"]["acceptance_rate"] == 1.0 and figures["totals"]["replies"] == 20000
    assert elapsed < 5, f"{elapsed:.2f} s"
