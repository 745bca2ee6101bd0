"""Metrics for supervisors (one shop) and admins (every shop), over the last N shop-local days."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Tuple
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from typing_extensions import Annotated

from api.deps import AdminDep, ClockDep, SessionDep, SupervisedShopDep
from bot.assist.metrics import DEFAULT_ZONE, all_shops_summary, shop_metrics, shop_zone
from bot.assist.users import visible_shops

router = APIRouter(tags=["supervision"])
DaysParam = Annotated[int, Query(ge=1, le=90, description="shop-local days, today included")]


def window(now: dt.datetime, days: int, zone: ZoneInfo) -> Tuple[dt.datetime, dt.datetime]:
    """From local midnight ``days - 1`` days ago until now."""
    now = now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)
    first = now.astimezone(zone).date() - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first, dt.time(), tzinfo=zone), now


@router.get("/shops/{shop_id}/metrics", summary="A shop's metrics per local day (supervisors)")
def metrics(shop_id: SupervisedShopDep, session: SessionDep, clock: ClockDep,
            days: DaysParam = 14) -> Dict[str, Any]:
    zone = shop_zone(shop_id)
    since, until = window(clock(), days, zone)
    return shop_metrics(session, shop_id, since, until, zone)


@router.get("/metrics/shops", summary="Every shop's totals over the last days (admins)")
def shops_summary(admin: AdminDep, session: SessionDep, clock: ClockDep,
                  days: DaysParam = 14) -> Dict[str, Any]:
    since, until = window(clock(), days, ZoneInfo(DEFAULT_ZONE))
    return {"days": days, "since": since.isoformat(), "until": until.isoformat(),
            "shops": all_shops_summary(session, visible_shops(session, admin), since, until)}
