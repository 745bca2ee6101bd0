"""Supervisors' metrics of one shop over a window of time, and a summary across shops.

Two kinds of figures, each over the half-open window ``[since, until)``:

* message figures (``intents_by_day``, ``per_intent``, ``reply_time``, ``fallback_rate``)
  follow the buyer messages *received* in the window: what became of them, even
  when an agent answered after the window closed;
* activity figures (``per_agent``, ``offhours_auto_replies``, ``totals.replies``,
  ``totals.auto_replies``, ``totals.handled`` and ``totals.skipped``) count what was
  *done* in the window: replies sent (``Reply.created_at``), suggestions rejected
  (``Suggestion.decided_at``) and messages marked handled or skipped without a reply
  (``BuyerMessage.settled_at``).

Days are the shop's local dates (its policy's time zone, Asia/Shanghai for the demo
shops). Counting is done in SQL, grouped by a day index that a ``CASE`` over the
local midnights (converted to UTC) computes, so it is the same on SQLite and
PostgreSQL and right across daylight-saving changes. Only reply times, which need
percentiles, are fetched row by row: the window's messages (id, time) and the agent
replies sent since the window began, matched in Python.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from typing import Any, Dict, Iterable, List, Optional, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

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

DEFAULT_ZONE = "Asia/Shanghai"
FALLBACK = "nlu_fallback"
NO_INTENT = "unknown"          # a message the model could not parse (degraded)
AGENT_KINDS = (ReplyKind.approved, ReplyKind.edited, ReplyKind.free_text)


def shop_zone(shop_id: str) -> ZoneInfo:
    """The shop's time zone from its policy; the demo shops' zone when it has none."""
    try:
        from bot.policy import shop_policy

        return ZoneInfo(shop_policy(shop_id).timezone)
    except Exception:  # no policy file for this shop: metrics still work
        return ZoneInfo(DEFAULT_ZONE)


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-quantile (0..1) with linear interpolation between closest ranks (numpy's
    default), rounded to 0.1; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 1)


def ratio(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


class Days:
    """The shop-local dates of a window and the UTC instants where each begins."""

    def __init__(self, since: dt.datetime, until: dt.datetime, zone: ZoneInfo) -> None:
        self.since, self.until = as_utc(since), as_utc(until)
        first = self.since.astimezone(zone).date()
        last = (self.until - dt.timedelta(microseconds=1)).astimezone(zone).date()
        count = max((last - first).days + 1, 0) if self.until > self.since else 0
        self.dates = [first + dt.timedelta(days=i) for i in range(count)]
        # where day i+1 begins, in UTC: local midnight (zone-aware, so DST-safe)
        self.starts = [dt.datetime.combine(d, dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)
                       for d in self.dates[1:]]

    def __len__(self) -> int:
        return len(self.dates)

    def index(self, column: Any) -> ColumnElement:
        """SQL: the index of the day ``column`` (a UTC time inside the window) falls on."""
        if not self.starts:
            return literal(0)
        return case(*[(column < start, i) for i, start in enumerate(self.starts)],
                    else_=len(self.starts))

    def of(self, moment: dt.datetime) -> int:
        return bisect_right(self.starts, as_utc(moment))

    def within(self, column: Any) -> ColumnElement:
        return (column >= self.since) & (column < self.until)

    def zeros(self) -> List[int]:
        return [0] * len(self.dates)


def _grouped(session: Session, query: Any) -> List[Any]:
    """Rows of ``query``'s columns with a count appended, grouped by all of them. The
    grouping runs over a subquery, so CASE expressions are grouped by their label."""
    inner = query.subquery()
    keys = list(inner.c)
    return list(session.execute(select(*keys, func.count()).group_by(*keys)))


def _intent(name: Optional[str]) -> str:
    return name or NO_INTENT


def _message_figures(session: Session, shop_id: str, days: Days) -> Dict[str, Any]:
    by_day: Dict[str, List[int]] = defaultdict(days.zeros)
    for day, intent, count in _grouped(session, select(
            days.index(BuyerMessage.received_at).label("day"), BuyerMessage.intent)
            .where(BuyerMessage.shop_id == shop_id, days.within(BuyerMessage.received_at))):
        by_day[_intent(intent)][day] += count
    decisions: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for intent, status, count in _grouped(session, select(BuyerMessage.intent, Suggestion.status)
                                          .join(Suggestion, Suggestion.message_id == BuyerMessage.id)
                                          .where(BuyerMessage.shop_id == shop_id,
                                                 days.within(BuyerMessage.received_at))):
        key = status.value if isinstance(status, SuggestionStatus) else str(status)
        decisions[_intent(intent)][key] += count
    per_intent = []
    for intent in sorted(set(by_day) | set(decisions)):
        counts = decisions.get(intent, {})
        approved, edited = counts.get("approved", 0), counts.get("edited", 0)
        rejected = counts.get("rejected", 0)
        decided = approved + edited + rejected
        per_intent.append({"intent": intent, "messages": sum(by_day.get(intent, [])),
                           "decided": decided, "approved": approved, "edited": edited,
                           "rejected": rejected, "acceptance_rate": ratio(approved + edited, decided),
                           "edit_rate": ratio(edited, approved + edited)})
    per_day = [sum(counts[i] for counts in by_day.values()) for i in range(len(days))]
    fallback = by_day.get(FALLBACK, days.zeros())
    return {"intents_by_day": {k: by_day[k] for k in sorted(by_day)}, "per_intent": per_intent,
            "messages_per_day": per_day,
            "fallback_rate": {"per_day": [ratio(f, n) for f, n in zip(fallback, per_day, strict=True)],
                              "overall": ratio(sum(fallback), sum(per_day))}}


def _reply_times(session: Session, shop_id: str, days: Days) -> Dict[str, Any]:
    """Seconds from each buyer message received in the window to the first agent reply
    that answers it (``Reply.message_id``); messages without one are left out."""
    # Two plain queries joined here: a replies-to-messages join is one a planner without
    # fresh statistics runs as a nested loop (seconds on tens of thousands of rows).
    connection = session.connection()  # Core rows: no ORM bookkeeping per row
    received = dict(connection.execute(select(BuyerMessage.id, BuyerMessage.received_at).where(
        BuyerMessage.shop_id == shop_id, days.within(BuyerMessage.received_at))).all())
    rows = connection.execute(
        select(Reply.message_id, Reply.created_at, Reply.approved_by)
        .join(Conversation, Reply.conversation_id == Conversation.id)
        .where(Conversation.shop_id == shop_id, Reply.kind.in_(AGENT_KINDS),
               Reply.message_id.is_not(None), Reply.created_at >= days.since)
        .order_by(Reply.created_at, Reply.id))
    overall: List[float] = []
    per_day: List[List[float]] = [[] for _ in days.dates]
    per_agent: Dict[str, List[float]] = defaultdict(list)
    seen = set()
    for message_id, sent_at, agent in rows:
        received_at = received.get(message_id)
        if received_at is None or message_id in seen:
            continue
        seen.add(message_id)
        seconds = max((as_utc(sent_at) - as_utc(received_at)).total_seconds(), 0.0)
        overall.append(seconds)
        per_day[days.of(received_at)].append(seconds)
        per_agent[agent or "?"].append(seconds)
    return {"answered": len(overall), "p50": percentile(overall, 0.5),
            "p90": percentile(overall, 0.9),
            "p50_per_day": [percentile(values, 0.5) for values in per_day],
            "per_agent": [{"agent": name, "replies": len(values), "p50": percentile(values, 0.5)}
                          for name, values in sorted(per_agent.items())]}


def _activity(session: Session, shop_id: str, days: Days) -> Dict[str, Any]:
    auto = days.zeros()
    agents: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, kind, agent, count in _grouped(session, select(
            days.index(Reply.created_at).label("day"), Reply.kind, Reply.approved_by)
            .join(Conversation, Reply.conversation_id == Conversation.id)
            .where(Conversation.shop_id == shop_id, days.within(Reply.created_at))):
        kind = kind.value if isinstance(kind, ReplyKind) else str(kind)
        if kind == ReplyKind.auto_offhours.value:
            auto[day] += count
        else:
            agents[agent or "?"][kind] += count
    for agent, count in _grouped(session, select(Suggestion.decided_by)
                                 .join(BuyerMessage, Suggestion.message_id == BuyerMessage.id)
                                 .where(BuyerMessage.shop_id == shop_id,
                                        Suggestion.status == SuggestionStatus.rejected,
                                        days.within(Suggestion.decided_at))):
        agents[agent or "?"]["rejected"] += count
    for agent, state, count in _grouped(session, select(BuyerMessage.settled_by, BuyerMessage.state)
                                        .where(BuyerMessage.shop_id == shop_id,
                                               BuyerMessage.state.in_((MessageState.handled,
                                                                       MessageState.skipped)),
                                               days.within(BuyerMessage.settled_at))):
        state = state.value if isinstance(state, MessageState) else str(state)
        agents[agent or "?"][state] += count
    per_agent = []
    for name in sorted(agents):
        c = agents[name]
        accepted = c["approved"] + c["edited"]
        per_agent.append({"agent": name, "replies": accepted + c["free_text"],
                          "approved": c["approved"], "edited": c["edited"],
                          "free_text": c["free_text"], "rejected": c["rejected"],
                          "handled": c["handled"], "skipped": c["skipped"],
                          "acceptance_rate": ratio(accepted, accepted + c["rejected"])})
    return {"offhours_auto_replies": auto, "per_agent": per_agent,
            "replies": sum(a["replies"] for a in per_agent), "auto_replies": sum(auto),
            "handled": sum(a["handled"] for a in per_agent),
            "skipped": sum(a["skipped"] for a in per_agent)}


def shop_metrics(session: Session, shop_id: str, since: dt.datetime, until: dt.datetime,
                 zone: Optional[ZoneInfo] = None) -> Dict[str, Any]:
    """The dashboard's figures for one shop over ``[since, until)`` (JSON-able)."""
    zone = zone or shop_zone(shop_id)
    days = Days(since, until, zone)
    messages = _message_figures(session, shop_id, days)
    activity = _activity(session, shop_id, days)
    decided = sum(i["decided"] for i in messages["per_intent"])
    accepted = sum(i["approved"] + i["edited"] for i in messages["per_intent"])
    return {
        "shop_id": shop_id, "since": days.since.isoformat(), "until": days.until.isoformat(),
        "timezone": str(zone),
        "days": [d.isoformat() for d in days.dates],
        "intents_by_day": messages["intents_by_day"],
        "messages_per_day": messages["messages_per_day"],
        "per_intent": messages["per_intent"],
        "reply_time": _reply_times(session, shop_id, days),
        "offhours_auto_replies": activity["offhours_auto_replies"],
        "fallback_rate": messages["fallback_rate"],
        "per_agent": activity["per_agent"],
        "totals": {"messages": sum(messages["messages_per_day"]), "replies": activity["replies"],
                   "auto_replies": activity["auto_replies"], "decided": decided,
                   "acceptance_rate": ratio(accepted, decided),
                   "handled": activity["handled"], "skipped": activity["skipped"]},
    }


def all_shops_summary(session: Session, shop_ids: Iterable[str], since: dt.datetime,
                      until: dt.datetime) -> List[Dict[str, Any]]:
    """One row per shop (for admins): totals, acceptance rate, fallback rate, p50 reply time."""
    rows = []
    for shop_id in shop_ids:
        figures = shop_metrics(session, shop_id, since, until)
        totals = figures["totals"]
        rows.append({"shop_id": shop_id, "messages": totals["messages"],
                     "replies": totals["replies"], "auto_replies": totals["auto_replies"],
                     "handled": totals["handled"], "skipped": totals["skipped"],
                     "decided": totals["decided"], "acceptance_rate": totals["acceptance_rate"],
                     "fallback_rate": figures["fallback_rate"]["overall"],
                     "reply_time_p50": figures["reply_time"]["p50"]})
    return rows
