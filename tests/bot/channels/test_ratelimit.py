"""Rate limits count per key in a window, in this process or in Redis."""

from __future__ import annotations

import pytest

from bot.assist.errors import TooManyRequests
from bot.channels.ratelimit import RateLimiter


def test_past_the_limit_429_until_the_window_turns() -> None:
    limits = RateLimiter(None, window_seconds=60)
    for _ in range(3):
        limits.hit("chat messages", "v1", 3, now=120.0)
    with pytest.raises(TooManyRequests) as refused:
        limits.hit("chat messages", "v1", 3, now=150.0)
    assert refused.value.retry_after == 30 and refused.value.status == 429
    limits.hit("chat messages", "v2", 3, now=150.0)  # another visitor
    limits.hit("chat messages", "v1", 3, now=180.0)  # the next window


def test_redis_down_falls_back_to_counting_here() -> None:
    limits = RateLimiter("redis://127.0.0.1:1/0")  # nothing listens there
    limits.hit("chat reads", "v1", 1, now=0.0)
    with pytest.raises(TooManyRequests):
        limits.hit("chat reads", "v1", 1, now=1.0)
