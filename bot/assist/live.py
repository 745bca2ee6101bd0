"""Live updates for agents: each shop's events fanned out to its open streams.

In-process (one service process per deployment); a subscriber that falls behind
loses its oldest events rather than slowing the others.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from typing import Any, AsyncIterator, Dict, Set

QUEUE_SIZE = 200


class Broadcaster:
    def __init__(self) -> None:
        self._queues: Dict[str, Set[asyncio.Queue]] = defaultdict(set)

    def subscribers(self, shop_id: str) -> int:
        return len(self._queues.get(shop_id, ()))

    def publish(self, shop_id: str, kind: str, data: Dict[str, Any]) -> None:
        event = {"type": kind, "shop_id": shop_id, **data}
        for queue in list(self._queues.get(shop_id, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

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
