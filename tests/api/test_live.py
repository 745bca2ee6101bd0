"""Live updates across service processes, through a real Redis."""

from __future__ import annotations

import asyncio
from typing import List

from bot.assist.live import Broadcaster
from bot.processes import Process


def collect(broadcaster: Broadcaster, shop: str, out: List[str]) -> asyncio.Task:
    async def run() -> None:
        async for chunk in broadcaster.stream(shop):
            out.append(chunk)

    return asyncio.get_running_loop().create_task(run())


def test_an_event_published_by_one_process_reaches_streams_of_another(redis: Process) -> None:
    async def scenario() -> List[str]:
        worker_a, worker_b = Broadcaster(redis.url), Broadcaster(redis.url)  # type: ignore[attr-defined]
        await worker_a.start()
        await worker_b.start()
        seen_b: List[str] = []
        seen_other_shop: List[str] = []
        tasks = [collect(worker_b, "wuhan", seen_b), collect(worker_b, "shanghai", seen_other_shop)]
        await asyncio.sleep(0.5)  # subscriptions settle
        worker_a.publish("wuhan", "message", {"text": "在吗"})
        for _ in range(50):
            if len(seen_b) > 1:
                break
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await worker_a.stop()
        await worker_b.stop()
        assert seen_other_shop == [": connected\n\n"]
        return seen_b

    seen = asyncio.run(scenario())
    assert seen[0] == ": connected\n\n"
    assert seen[1].startswith("event: message\n") and '"text": "在吗"' in seen[1]
    assert len(seen) == 2  # delivered once, not once per path


def test_without_redis_events_stay_in_the_process() -> None:
    async def scenario() -> List[str]:
        broadcaster = Broadcaster()
        await broadcaster.start()
        seen: List[str] = []
        task = collect(broadcaster, "wuhan", seen)
        await asyncio.sleep(0)
        broadcaster.publish("wuhan", "reply", {"text": "好的"})
        await asyncio.sleep(0.05)
        task.cancel()
        return seen

    seen = asyncio.run(scenario())
    assert len(seen) == 2 and seen[1].startswith("event: reply\n")
