"""Live updates across service processes, through a real Redis: every event stored with
its id, replayed after a reconnect or a Redis outage, and delivered to a stream once."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from typing import Any, Dict, List

from bot.assist import live_log
from bot.assist.live import QUEUE_SIZE, Broadcaster
from bot.processes import Process, free_port
from bot.store import runtime
from bot.store.service_models import LiveEvent


def collect(broadcaster: Broadcaster, shop: str, out: List[str], **kwargs: Any) -> asyncio.Task:
    async def run() -> None:
        async for chunk in broadcaster.stream(shop, **kwargs):
            out.append(chunk)

    return asyncio.get_running_loop().create_task(run())


def events(chunks: List[str]) -> List[Dict[str, Any]]:
    """The data of each message/reply/suggestion event, with its SSE id checked."""
    out = []
    for chunk in chunks:
        lines = dict(line.split(": ", 1) for line in chunk.strip().splitlines() if ": " in line)
        if lines.get("event") in ("message", "reply", "suggestion"):
            data = json.loads(lines["data"])
            assert int(lines["id"]) == data["event_id"]
            out.append(data)
    return out


async def until(condition: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def test_an_event_published_by_one_process_reaches_streams_of_another(
        redis: Process, database_url: str) -> None:
    async def scenario() -> tuple:
        worker_a, worker_b = Broadcaster(redis.url), Broadcaster(redis.url)  # type: ignore[attr-defined]
        await worker_a.start()
        await worker_b.start()
        assert await worker_a.wait_subscribed() and await worker_b.wait_subscribed()
        seen_b: List[str] = []
        seen_other_shop: List[str] = []
        tasks = [collect(worker_b, "wuhan", seen_b), collect(worker_b, "shanghai", seen_other_shop)]
        await until(lambda: len(seen_b) == 2)  # connected, ready
        published = worker_a.publish("wuhan", "message", {"text": "在吗"})
        await until(lambda: len(events(seen_b)) == 1)
        await asyncio.sleep(0.3)  # a second copy (local and through Redis) would be here by now
        for task in tasks:
            task.cancel()
        await worker_a.stop()
        await worker_b.stop()
        return published, seen_b, seen_other_shop

    published, seen, other_shop = asyncio.run(scenario())
    assert seen[0] == ": connected\n\n" and seen[1].startswith("event: ready\n")
    assert [e["text"] for e in events(seen)] == ["在吗"]  # delivered once, not once per path
    assert events(seen)[0]["event_id"] == published["event_id"] > 0
    assert events(other_shop) == []


def test_without_redis_events_stay_in_the_process(database_url: str) -> None:
    async def scenario() -> List[str]:
        broadcaster = Broadcaster()
        await broadcaster.start()
        seen: List[str] = []
        task = collect(broadcaster, "wuhan", seen)
        await until(lambda: len(seen) == 2)
        broadcaster.publish("wuhan", "reply", {"text": "好的"})
        await until(lambda: len(seen) == 3)
        task.cancel()
        return seen

    seen = asyncio.run(scenario())
    assert [e["text"] for e in events(seen)] == ["好的"] and seen[2].startswith("id: ")


def test_with_redis_unreachable_the_listener_says_so_and_events_stay_local(database_url: str) -> None:
    async def scenario() -> tuple:
        broadcaster = Broadcaster(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
        await broadcaster.start()
        seen: List[str] = []
        task = collect(broadcaster, "wuhan", seen)
        await until(lambda: len(seen) == 2)
        await asyncio.sleep(0.5)
        subscribed = broadcaster.subscribed
        broadcaster.publish("wuhan", "message", {"text": "有人吗"})
        await until(lambda: len(events(seen)) == 1)
        task.cancel()
        await broadcaster.stop()
        return subscribed, seen

    subscribed, seen = asyncio.run(scenario())
    assert subscribed is False
    assert [e["text"] for e in events(seen)] == ["有人吗"]


def test_a_sync_route_can_publish_from_a_worker_thread(database_url: str) -> None:
    async def scenario() -> List[str]:
        broadcaster = Broadcaster()  # local delivery: the hand-over to the loop is what counts
        await broadcaster.start()
        seen: List[str] = []
        task = collect(broadcaster, "wuhan", seen)
        await until(lambda: len(seen) == 2)
        worker = threading.Thread(target=broadcaster.publish,
                                  args=("wuhan", "reply", {"text": "线程里发的"}))
        worker.start()
        await asyncio.to_thread(worker.join)
        await asyncio.to_thread(broadcaster.publish, "wuhan", "reply", {"text": "线程池发的"})
        await until(lambda: len(events(seen)) == 2)
        task.cancel()
        return seen

    assert [e["text"] for e in events(asyncio.run(scenario()))] == ["线程里发的", "线程池发的"]


def test_a_stream_resumed_with_the_last_id_replays_exactly_what_came_after(
        database_url: str) -> None:
    async def scenario() -> tuple:
        broadcaster = Broadcaster()
        await broadcaster.start()
        first, second, third = (broadcaster.publish("wuhan", "message", {"text": t})
                                for t in ("一", "二", "三"))
        broadcaster.publish("shanghai", "message", {"text": "别家的"})
        seen: List[str] = []
        task = collect(broadcaster, "wuhan", seen, last_event_id=first["event_id"])
        await until(lambda: any(c.startswith("event: ready") for c in seen))
        broadcaster.publish("wuhan", "message", {"text": "四"})
        await until(lambda: len(events(seen)) == 3)
        await asyncio.sleep(0.2)
        task.cancel()
        return third, seen

    third, seen = asyncio.run(scenario())
    assert [e["text"] for e in events(seen)] == ["二", "三", "四"]
    ready = next(c for c in seen if c.startswith("event: ready"))
    assert json.loads(ready.split("data: ", 1)[1]) == {"last_event_id": third["event_id"]}


def test_events_published_during_a_redis_restart_reach_every_stream_once(
        redis: Process, database_url: str) -> None:
    """Process A publishes while Redis is down and after it is back; process B's stream
    gets all of them (A's missed ones replayed when B re-subscribes), none twice."""
    async def scenario() -> tuple:
        worker_a, worker_b = Broadcaster(redis.url), Broadcaster(redis.url)  # type: ignore[attr-defined]
        await worker_a.start()
        await worker_b.start()
        assert await worker_a.wait_subscribed() and await worker_b.wait_subscribed()
        seen_a: List[str] = []
        seen_b: List[str] = []
        tasks = [collect(worker_a, "wuhan", seen_a), collect(worker_b, "wuhan", seen_b)]
        await until(lambda: len(seen_a) == 2 and len(seen_b) == 2)
        sent = [worker_a.publish("wuhan", "message", {"text": "before"})["event_id"]]
        await asyncio.to_thread(redis.stop)
        await until(lambda: not worker_a.subscribed and not worker_b.subscribed)
        down = (worker_a.subscribed, worker_b.subscribed)
        sent += [worker_a.publish("wuhan", "message", {"text": f"during {i}"})["event_id"]
                 for i in range(3)]
        sent.append(worker_b.publish("wuhan", "reply", {"text": "b during"})["event_id"])
        await asyncio.to_thread(redis.start)
        assert await worker_a.wait_subscribed() and await worker_b.wait_subscribed()
        sent += [worker_a.publish("wuhan", "message", {"text": f"after {i}"})["event_id"]
                 for i in range(2)]
        await until(lambda: len(events(seen_a)) >= len(sent) and len(events(seen_b)) >= len(sent))
        await asyncio.sleep(0.5)  # duplicates, if any, would be here by now
        for task in tasks:
            task.cancel()
        await worker_a.stop()
        await worker_b.stop()
        return down, sent, seen_a, seen_b

    down, sent, seen_a, seen_b = asyncio.run(scenario())
    assert down == (False, False)  # the listeners know their subscription is gone
    for seen in (seen_a, seen_b):
        ids = [e["event_id"] for e in events(seen)]
        assert sorted(ids) == sorted(sent) and len(ids) == len(set(ids))


def test_more_events_than_a_stream_queue_holds_during_an_outage_all_arrive(
        redis: Process, database_url: str) -> None:
    """A long outage: process A publishes more than a stream's queue holds (found by the
    soak test: the replay used to overflow B's queue and end its stream); B's stream,
    which never ended, gets every one of them once, and B's own too."""
    async def scenario() -> tuple:
        worker_a, worker_b = Broadcaster(redis.url), Broadcaster(redis.url)  # type: ignore[attr-defined]
        await worker_a.start()
        await worker_b.start()
        assert await worker_a.wait_subscribed() and await worker_b.wait_subscribed()
        seen_b: List[str] = []
        task = collect(worker_b, "wuhan", seen_b)
        await until(lambda: len(seen_b) == 2)
        await asyncio.to_thread(redis.stop)
        await until(lambda: not worker_a.subscribed and not worker_b.subscribed)
        sent = [worker_a.publish("wuhan", "message", {"text": f"during {i}"})["event_id"]
                for i in range(QUEUE_SIZE + 60)]
        sent.append(worker_b.publish("wuhan", "message", {"text": "b's own"})["event_id"])
        await asyncio.to_thread(redis.start)
        assert await worker_b.wait_subscribed()
        await until(lambda: len(events(seen_b)) >= len(sent), timeout=20)
        await asyncio.sleep(0.5)
        ended = task.done()
        task.cancel()
        await worker_a.stop()
        await worker_b.stop()
        return sent, seen_b, ended

    sent, seen_b, ended = asyncio.run(scenario())
    ids = [e["event_id"] for e in events(seen_b)]
    assert not ended, "the stream was ended"
    assert sorted(ids) == sorted(sent) and len(ids) == len(set(ids))


def test_old_live_events_are_pruned(database_url: str) -> None:
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=8)
    with runtime.sessions()() as session:
        session.add_all([LiveEvent(shop_id="prune-shop", kind="message", data={"n": 0},
                                   created_at=old)]
                        + [LiveEvent(shop_id="prune-shop", kind="message", data={"n": n})
                           for n in range(1, 6)])
        session.commit()
    live_log.prune(keep_per_shop=3)
    with runtime.sessions()() as session:
        left = [e.data["n"] for e in session.query(LiveEvent).filter_by(shop_id="prune-shop")
                .order_by(LiveEvent.id)]
    assert left == [3, 4, 5]
