"""Fixed-window counters for the public endpoints (per visitor, per IP). In Redis when
the service has one, so every process counts together; in this process otherwise.
If Redis stops answering, the process falls back to its own counters: a buyer is
never refused because Redis is down."""

from __future__ import annotations

import logging
import threading
import time
from typing import Dict, Optional, Tuple

import redis

from bot.assist.errors import TooManyRequests

logger = logging.getLogger(__name__)
PREFIX = "shopassist:rate:"


class RateLimiter:
    def __init__(self, redis_url: Optional[str] = None, window_seconds: int = 60) -> None:
        self.window = window_seconds
        self._redis = (redis.Redis.from_url(redis_url, socket_timeout=0.5,
                                            socket_connect_timeout=0.5)
                       if redis_url else None)
        self._local: Dict[Tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def _count_local(self, key: str, slot: int) -> int:
        with self._lock:
            if len(self._local) > 50_000:  # old windows go
                self._local = {k: v for k, v in self._local.items() if k[1] >= slot}
            self._local[(key, slot)] = self._local.get((key, slot), 0) + 1
            return self._local[(key, slot)]

    def _count(self, key: str, slot: int) -> int:
        if self._redis is not None:
            name = f"{PREFIX}{key}:{slot}"
            try:
                pipe = self._redis.pipeline()
                pipe.incr(name)
                pipe.expire(name, self.window * 2)
                return int(pipe.execute()[0])
            except redis.RedisError as e:
                logger.warning("rate limits: Redis unavailable (%s); counting in this process",
                               type(e).__name__)
        return self._count_local(key, slot)

    def hit(self, what: str, key: str, limit: int, now: Optional[float] = None) -> None:
        """Count one request of ``what`` by ``key``; 429 past ``limit`` in the window."""
        if limit <= 0:
            return
        now = time.time() if now is None else now
        slot = int(now // self.window)
        if self._count(f"{what}:{key}", slot) > limit:
            retry = max(1, int((slot + 1) * self.window - now))
            raise TooManyRequests(f"too many {what} requests: {limit} per {self.window} s; "
                                  f"try again in {retry} s", retry)
