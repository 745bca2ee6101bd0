"""Live updates for agents: each shop's events fanned out to its open streams.

Every event is stored first (``bot.assist.live_log``): its row id is the server-sent
event id. A stream that reconnects with the last id it saw gets what it missed from the
database, then live events, each id once.

With several service processes an agent's stream may be held by another process, so
events travel through Redis pub/sub (``REDIS_URL``) and every process hands them to its
own streams. The listener's health is tracked: only while its subscription is confirmed
does ``publish`` leave local delivery to it; otherwise (Redis down, restarting, not yet
re-subscribed) events go straight to this process's streams. When the subscription comes
back, each stream replays from the database what other processes published meanwhile
(ids out of order included: replays look back). A stream that falls too far behind is
ended; the console reconnects and replays."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import defaultdict, deque
from typing import Any, AsyncIterator, Callable, Deque, Dict, Optional, Set

import redis
import redis.asyncio as aioredis

from bot.assist import live_log
from bot.assist.live_log import Event

logger = logging.getLogger(__name__)
QUEUE_SIZE = 200
CHANNEL = "shopassist:live:"
PRUNE_EVERY_SECONDS = 600.0
RETRY_MIN, RETRY_MAX = 0.25, 5.0
_END = {"type": "_end"}  # tells a stream that fell behind to end (its client resumes)
CATCH_UP = "_catch_up"   # tells a stream to replay from the database what it may have missed
# Event ids are given at insert and several processes commit and publish in their own
# order, so an event can arrive after one with a higher id (and during a Redis outage a
# stream sees only its own process's events): the replay after an outage looks this many
# ids back (never before the stream opened); a stream drops the ids it has sent.
LOOKBACK_IDS = 500


class SeenIds:
    """The ids a stream has sent, the most recent ``size`` of them."""

    def __init__(self, size: int = 2000) -> None:
        self._order: Deque[int] = deque()
        self._ids: Set[int] = set()
        self.size = size

    def add(self, event_id: int) -> None:
        self._ids.add(event_id)
        self._order.append(event_id)
        if len(self._order) > self.size:
            self._ids.discard(self._order.popleft())

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids


def sse(event: Event) -> Optional[str]:
    head = f"id: {event['event_id']}\n" if event.get("event_id") is not None else ""
    return f"{head}event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"


View = Callable[[Event], Optional[str]]


class Broadcaster:
    def __init__(self, redis_url: Optional[str] = None) -> None:
        self._queues: Dict[str, Set[asyncio.Queue]] = defaultdict(set)
        self.redis_url = redis_url
        self._redis: Any = None
        self._listener: Optional[asyncio.Task] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self.subscribed = False  # True only while the Redis subscription is confirmed
        self._redis_high = 0     # the newest id this process has from Redis (or caught up)
        self._prune_lock = threading.Lock()
        self._next_prune = 0.0

    def problem(self) -> Optional[str]:
        """Why live updates reach fewer agents than they should (None: they don't)."""
        if self.redis_url and not self.subscribed:
            return ("Redis unreachable: live updates reach only this process's agents "
                    "until it is back (then they catch up)")
        return None

    # ---- publishing (any thread) ----------------------------------------------------

    def publish(self, shop_id: str, kind: str, data: Dict[str, Any]) -> Event:
        """Store the event, then send it to every process's streams of the shop."""
        try:
            event = live_log.record(shop_id, kind, data)
        except Exception as e:  # the event still goes out live, without an id to resume by
            logger.error("live event not stored (%s); sent without an id", e)
            event = live_log.as_event(None, shop_id, kind, data)
        self._maybe_prune()
        subscribed = self.subscribed  # before publishing: if it turns true meanwhile, the
        sent = self._publish_redis(event)  # streams drop the second copy by its id
        if not (subscribed and sent):  # our own listener will not deliver it here
            self._hand_over(event)
        return event

    def _publish_redis(self, event: Event) -> bool:
        """To the other processes, even while our own subscription is down (they may be
        listening). True if Redis took it and someone (our listener, normally) listens."""
        if self._redis is None:
            return False
        payload = json.dumps(event, ensure_ascii=False)
        for attempt in (1, 2):
            try:
                return bool(self._redis.publish(CHANNEL + event["shop_id"], payload))
            except redis.ConnectionError as e:
                # after a Redis restart the pooled connection is dead; the pool opens a new
                # one on the second try. Without it the other processes, already listening
                # again (and caught up), would never see this event.
                if attempt == 2:
                    logger.warning("live updates through Redis failed (%s); this process only",
                                   e)
            except redis.RedisError as e:
                logger.warning("live updates through Redis failed (%s); this process only", e)
                return False
        return False

    def _hand_over(self, event: Event) -> None:
        """Deliver on the event loop that owns the queues, from whichever thread we are on."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # no stream was ever opened here
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self.deliver(event)
        else:
            try:
                loop.call_soon_threadsafe(self.deliver, event)
            except RuntimeError:  # the loop closed meanwhile
                pass

    def _maybe_prune(self) -> None:
        now = time.monotonic()
        if now < self._next_prune or not self._prune_lock.acquire(blocking=False):
            return
        try:
            self._next_prune = now + PRUNE_EVERY_SECONDS
            live_log.prune()
        except Exception as e:
            logger.warning("live events: pruning failed (%s)", e)
        finally:
            self._prune_lock.release()

    # ---- delivery (event loop) --------------------------------------------------------

    def deliver(self, event: Event) -> None:
        """Hand an event to this process's streams of its shop."""
        for queue in list(self._queues.get(event["shop_id"], ())):
            if queue.full():  # fell behind: end it, its client resumes from the database
                self._end(queue)
            else:
                queue.put_nowait(event)

    @staticmethod
    def _end(queue: asyncio.Queue) -> None:
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(_END)

    async def stream(self, shop_id: str, last_event_id: Optional[int] = None,
                     heartbeat: float = 15.0, view: View = sse) -> AsyncIterator[str]:
        """Server-sent events for one shop: with ``last_event_id``, first the stored events
        after it; then a ``ready`` event (with the newest id); then live ones, each id once;
        a comment line as heartbeat. ``view`` writes an event out (None: not for this
        stream); with another view than the agents' the ready event carries no id."""
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        self._queues[shop_id].add(queue)  # before reading the log: nothing falls in between
        seen = SeenIds()
        try:
            yield ": connected\n\n"
            if last_event_id is None:
                latest = await asyncio.to_thread(live_log.latest_id, shop_id)
            else:
                missed, truncated = await asyncio.to_thread(live_log.since, shop_id,
                                                            last_event_id)
                if truncated:  # too many to replay: the page reloads its lists instead
                    yield "event: reset\ndata: {}\n\n"
                for event in missed:
                    seen.add(event["event_id"])
                    out = view(event)
                    if out:
                        yield out
                latest = missed[-1]["event_id"] if missed else last_event_id
            floor = latest  # the client has everything up to here
            ready = {"last_event_id": latest} if view is sse else {}
            yield f"event: ready\ndata: {json.dumps(ready)}\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), heartbeat)
                except asyncio.TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if event is _END:
                    return
                if event.get("type") == CATCH_UP:  # Redis is back: what did we miss?
                    missed, truncated = await asyncio.to_thread(
                        live_log.since, shop_id, max(floor, event["after"] - LOOKBACK_IDS))
                    if truncated:
                        yield "event: reset\ndata: {}\n\n"
                    for replayed in missed:
                        if replayed["event_id"] not in seen:
                            seen.add(replayed["event_id"])
                            out = view(replayed)
                            if out:
                                yield out
                    continue
                event_id = event.get("event_id")
                if event_id is not None:
                    if event_id in seen:
                        continue
                    seen.add(event_id)
                out = view(event)
                if out:
                    yield out
        finally:
            self._queues[shop_id].discard(queue)

    # ---- the Redis listener -----------------------------------------------------------

    async def start(self) -> None:
        """Listen to the other processes' events (only with Redis)."""
        self._loop = asyncio.get_running_loop()
        if not self.redis_url or self._listener is not None:
            return
        self._redis = redis.Redis.from_url(self.redis_url, socket_connect_timeout=1,
                                           socket_timeout=1)
        try:
            self._redis_high = await asyncio.to_thread(live_log.latest_id)
        except Exception as e:
            logger.warning("live events: could not read the log (%s)", e)
        self._listener = self._loop.create_task(self._listen())
        await asyncio.sleep(0)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except (asyncio.CancelledError, Exception):
                pass
            self._listener = None
        self.subscribed = False

    async def wait_subscribed(self, timeout: float = 10.0) -> bool:
        """Wait until the Redis subscription is confirmed (for tests and start-up)."""
        deadline = time.monotonic() + timeout
        while not self.subscribed and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.subscribed

    async def _listen(self) -> None:
        delay = RETRY_MIN
        while True:
            client = aioredis.Redis.from_url(self.redis_url, socket_connect_timeout=1,
                                             socket_keepalive=True, health_check_interval=5)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(CHANNEL + "*")
                    while True:
                        message = await pubsub.get_message(timeout=1.0)
                        if message is None:
                            continue
                        if message.get("type") == "psubscribe":
                            await self._subscribed_again()
                            delay = RETRY_MIN
                        elif message.get("type") == "pmessage":
                            self._from_redis(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as e:  # Redis down or restarted: local delivery until back
                if self.subscribed:
                    logger.warning("live updates: Redis subscription lost (%s); retrying", e)
            finally:
                self.subscribed = False
                await client.close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)

    def _from_redis(self, event: Event) -> None:
        event_id = event.get("event_id")
        if isinstance(event_id, int) and event_id > self._redis_high:
            self._redis_high = event_id
        self.deliver(event)

    async def _subscribed_again(self) -> None:
        """Confirmed: from now on Redis delivers. Then each open stream replays from the
        database what other processes published while we were not listening (itself, so
        a long outage does not overflow its queue; it drops the ids it has sent)."""
        self.subscribed = True
        after = self._redis_high
        try:
            self._redis_high = max(after, await asyncio.to_thread(live_log.latest_id))
        except Exception as e:
            logger.warning("live updates: could not read the log (%s)", e)
        marker = {"type": CATCH_UP, "after": after}
        for queues in list(self._queues.values()):
            for queue in list(queues):
                if queue.full():
                    self._end(queue)
                else:
                    queue.put_nowait(marker)
