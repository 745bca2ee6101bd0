"""Off-hours auto-reply: the one message that may reach a buyer without an agent.

Outside a shop's business hours (its policy, in its time zone) the first buyer
message of a conversation in that closed period gets one automatic reply: a
greeting that says when agents are back, plus an intent-aware, non-committal
line. It promises nothing and states no fact beyond the opening hour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional
from zoneinfo import ZoneInfo

from bot.phrases import Phrase, for_situation, render
from bot.policy import ShopPolicy

# intent → the situation of its second line; anything else gets offhours_other
INTENT_LINES = {
    "shipping_query": "offhours_shipping",
    "refund": "offhours_refund",
    "complaint": "offhours_complaint",
    "change_order": "offhours_change_order",
}


@dataclass(frozen=True)
class ClosedWindow:
    """A closed period: from closing time on one day to opening time on the next."""

    key: str                 # the shop-local date the period started, e.g. "2026-11-23"
    back_at: dt.datetime     # when agents are back (aware, shop time)


def closed_window(policy: ShopPolicy, now: dt.datetime) -> Optional[ClosedWindow]:
    """The closed period ``now`` falls in, or None inside business hours."""
    zone = ZoneInfo(policy.timezone)
    local = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    hours = policy.business_hours
    if hours.open <= local.time() < hours.close:
        return None
    day = local.date()
    if local.time() < hours.open:  # after midnight: the period began yesterday
        start_day, back_day = day - dt.timedelta(days=1), day
    else:
        start_day, back_day = day, day + dt.timedelta(days=1)
    back = dt.datetime.combine(back_day, hours.open, tzinfo=zone)
    return ClosedWindow(start_day.isoformat(), back)


@dataclass(frozen=True)
class AutoReply:
    text: str
    window: str
    phrase_ids: tuple


def back_time(window: ClosedWindow, now: dt.datetime) -> str:
    """When agents are back, as the buyer reads it: 今天09:00 / 明天09:00."""
    local_now = now.astimezone(window.back_at.tzinfo)
    when = "今天" if window.back_at.date() == local_now.date() else "明天"
    return f"{when}{window.back_at:%H:%M}"


def _first(library: Mapping[str, Phrase], situation: str, values: dict) -> Optional[tuple]:
    for phrase in sorted(for_situation(library, situation), key=lambda p: p.id):
        rendered = render(phrase, values)
        if rendered is not None:
            return rendered.text, phrase.id
    return None


def auto_reply(policy: ShopPolicy, library: Mapping[str, Phrase], now: dt.datetime,
               intent: Optional[str], sent_windows: Iterable[str]) -> Optional[AutoReply]:
    """The auto-reply to send now, or None (inside hours, or already sent this period)."""
    window = closed_window(policy, now)
    if window is None or window.key in set(sent_windows):
        return None
    values = {"open_time": back_time(window, now), "shop_name": policy.name}
    greeting = _first(library, "offhours_greeting", values)
    line = _first(library, INTENT_LINES.get(intent or "", "offhours_other"), values)
    if greeting is None:
        return None
    parts = [greeting] + ([line] if line else [])
    return AutoReply("".join(text for text, _ in parts), window.key,
                     tuple(pid for _, pid in parts))
