"""Column types shared by the order store and the service tables."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment, stored in UTC and handed back aware.

    SQLite keeps no offset: ``14:00+08:00`` would be read back as ``14:00`` UTC, eight
    hours late (a paid-30-hours-ago order then looks within its 24 h promise). Every
    value is converted to UTC before it is stored; naive values are taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)
