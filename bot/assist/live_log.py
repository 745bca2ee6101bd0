"""The live event log: every live event is a ``LiveEvent`` row first, so its id is the
server-sent event id and a stream that reconnects (or a process whose Redis subscription
was down) replays from here what it missed. Old rows are pruned now and then."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import delete, func, insert, select

from bot.store.runtime import sessions
from bot.store.service_models import LiveEvent, utcnow

logger = logging.getLogger(__name__)
REPLAY_LIMIT = 500
KEEP_DAYS = 7
KEEP_PER_SHOP = 50_000

Event = Dict[str, Any]


def as_event(event_id: Optional[int], shop_id: str, kind: str, data: Dict[str, Any]) -> Event:
    """The event as streams see it: the view, its kind and shop, and its id."""
    return {"type": kind, "shop_id": shop_id, **data, "event_id": event_id}


def record(shop_id: str, kind: str, data: Dict[str, Any]) -> Event:
    """Store the event (one short transaction) and return it with its id."""
    with sessions()() as session:
        result = session.execute(insert(LiveEvent).values(
            shop_id=shop_id, kind=kind, data=data, created_at=utcnow()))
        session.commit()
        return as_event(int(result.inserted_primary_key[0]), shop_id, kind, data)


def _rows_to_events(rows: Iterable[LiveEvent]) -> List[Event]:
    return [as_event(row.id, row.shop_id, row.kind, row.data) for row in rows]


def since(shop_id: str, after: int, limit: int = REPLAY_LIMIT) -> Tuple[List[Event], bool]:
    """The shop's events with id > ``after``, oldest first: at most ``limit`` (the newest
    ones), and whether older ones were left out."""
    with sessions()() as session:
        rows = session.execute(
            select(LiveEvent).where(LiveEvent.shop_id == shop_id, LiveEvent.id > after)
            .order_by(LiveEvent.id.desc()).limit(limit + 1)).scalars().all()
    truncated = len(rows) > limit
    return _rows_to_events(reversed(rows[:limit])), truncated


def latest_id(shop_id: Optional[str] = None) -> int:
    """The newest event id (of one shop, or of all), 0 when there is none."""
    with sessions()() as session:
        query = select(func.max(LiveEvent.id))
        if shop_id is not None:
            query = query.where(LiveEvent.shop_id == shop_id)
        return int(session.execute(query).scalar() or 0)


def prune(now: Optional[dt.datetime] = None, keep_days: int = KEEP_DAYS,
          keep_per_shop: int = KEEP_PER_SHOP) -> int:
    """Delete events older than ``keep_days`` and all but each shop's newest
    ``keep_per_shop``; returns how many went."""
    cutoff = (now or utcnow()) - dt.timedelta(days=keep_days)
    with sessions()() as session:
        deleted = session.execute(delete(LiveEvent).where(LiveEvent.created_at < cutoff)
                                  .execution_options(synchronize_session=False)).rowcount
        shops = session.execute(select(LiveEvent.shop_id).distinct()).scalars().all()
        for shop in shops:
            boundary = session.execute(
                select(LiveEvent.id).where(LiveEvent.shop_id == shop).order_by(LiveEvent.id.desc())
                .offset(keep_per_shop).limit(1)).scalar()
            if boundary is not None:
                deleted += session.execute(delete(LiveEvent).where(
                    LiveEvent.shop_id == shop, LiveEvent.id <= boundary)
                    .execution_options(synchronize_session=False)).rowcount
        session.commit()
    if deleted:
        logger.info("live events: pruned %d old rows", deleted)
    return int(deleted or 0)
