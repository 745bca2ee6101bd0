"""Live updates for agents: each shop's events fanned out to its open streams.

With one service process, events go straight to the streams of that process.
With several (``WORKERS`` > 1) an agent's stream may be held by another process,
so events travel through Redis pub/sub (``REDIS_URL``) and every process hands
them to its own streams. If Redis is unreachable, events still reach the streams
of the process that produced them, and a warning says so. A stream that falls
behind loses its oldest events rather than slowing the others.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from typing import Any, AsyncIterator, Dict, Optional, Set

import redis
import redis.asyncio as aioredis

logger = logging.getLogger(__name__)
QUEUE_SIZE = 200
CHANNEL = "shopassist:live:"


class Broadcaster:
    def __init__(self, redis_url: Optional[str] = None) -> None:
        self._queues: Dict[str, Set[asyncio.Queue]] = defaultdict(set)
        self.redis_url = redis_url
        self._redis: Any = None
        self._listener: Optional[asyncio.Task] = None

    def deliver(self, event: Dict[str, Any]) -> None:
        """Hand an event to this process's streams of its shop."""
        for queue in list(self._queues.get(event["shop_id"], ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    def publish(self, shop_id: str, kind: str, data: Dict[str, Any]) -> None:
        event = {"type": kind, "shop_id": shop_id, **data}
        if self._listener is not None and not self._listener.done():
            try:
                self._redis.publish(CHANNEL + shop_id, json.dumps(event, ensure_ascii=False))
                return  # our own listener delivers it here too
            except redis.RedisError as e:
                logger.warning("live updates through Redis failed (%s); this process only", e)
        self.deliver(event)

    async def start(self) -> None:
        """Listen to the other processes' events (only with Redis)."""
        if not self.redis_url or self._listener is not None:
            return
        self._redis = redis.Redis.from_url(self.redis_url, socket_connect_timeout=1,
                                           socket_timeout=1)
        self._listener = asyncio.get_running_loop().create_task(self._listen())
        await asyncio.sleep(0)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except (asyncio.CancelledError, Exception):
                pass
            self._listener = None

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            client = aioredis.Redis.from_url(self.redis_url, socket_connect_timeout=1)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(CHANNEL + "*")
                    delay = 0.5
                    async for message in pubsub.listen():
                        if message.get("type") == "pmessage":
                            self.deliver(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as e:  # Redis down or restarted: try again, a little later
                logger.warning("live updates: Redis subscription lost (%s); retrying", e)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
            finally:
                await client.close()

    async def stream(self, shop_id: str, heartbeat: float = 15.0) -> AsyncIterator[str]:
        """Server-sent events for one shop, with a comment line as heartbeat."""
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        self._queues[shop_id].add(queue)
        try:
            yield ": connected\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), heartbeat)
                except asyncio.TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                yield f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
        finally:
            self._queues[shop_id].discard(queue)
