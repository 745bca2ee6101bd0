"""Soak and fault test of the deployed service (`make soak`): N API processes behind
HAProxy on PostgreSQL and Redis (deploy/cluster.py), under load, with faults.

- SOAK_CLIENTS client threads (16), each running SOAK_CONVERSATIONS conversations (200)
  of SOAK_MESSAGES buyer messages (2), one after the other, through HAProxy to the signed
  webhook (POST /api/hooks/wuhan/messages); a connection error, 5xx or 429 is retried
  with the same client_message_id and a new timestamp and signature;
- SOAK_AGENTS agent threads (8), each with its own user and live stream through HAProxy
  (reconnecting with Last-Event-ID, like the console), approve the first suggestion of
  every message of their conversations, in order; at the end, like a console reloading
  its list, they answer what is still open (messages whose live event never reached
  them: counted, and reported as a problem);
- one API process is SIGKILLed and started again at 30% of the messages, Redis is
  restarted at 60%;
- the reference receiver (scripts/reply_receiver.py) is the shop's webhook URL;
- an observer stream held by API process 0 (not through HAProxy) records every event.

Then, from the database and the receiver: every accepted message stored once and in
order per conversation, each with suggestions (degraded ones counted); every reply
(approved, and the off-hours auto-replies) delivered exactly once after dedupe by
idempotency key, in order per conversation; nothing lost; the observer saw the events
published by the other processes. The report is printed and written to results/soak.json.

Two messages per conversation keep the default run (6,400 messages, 3 API processes on
this 2-CPU machine, 26-28 messages/s) at five and a half minutes; SOAK_MESSAGES=3 would take
over seven. SOAK_WORKERS (3) API processes; SOAK_KILL_AT / SOAK_REDIS_AT (0.3 / 0.6) when
the faults come, as shares of the messages sent.

The soak runs when asked for: `make soak`, SOAK=1, or `pytest -m slow`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import socket
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import httpx
import pytest

from deploy.cluster import Cluster
from tests.deploy.conftest import bearer, start_cluster

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

pytestmark = pytest.mark.slow

CLIENTS = int(os.environ.get("SOAK_CLIENTS", "16"))
CONVERSATIONS = int(os.environ.get("SOAK_CONVERSATIONS", "200"))  # per client
MESSAGES = int(os.environ.get("SOAK_MESSAGES", "2"))              # per conversation
AGENTS = int(os.environ.get("SOAK_AGENTS", "8"))
WORKERS = int(os.environ.get("SOAK_WORKERS", "3"))
KILL_AT = float(os.environ.get("SOAK_KILL_AT", "0.3"))    # share of the messages sent
REDIS_AT = float(os.environ.get("SOAK_REDIS_AT", "0.6"))
SHOP = "wuhan"
DRAIN_SECONDS = 180                    # after the load: approvals and deliveries finish
MAX_ATTEMPTS = 40

BUYERS = ["paid_not_shipped", "shipped_in_transit", "delivered_3_days_ago", "refunding",
          "none", "several_open", "awaiting_payment", "completed_20_days_ago"]
TEXTS = ["亲，什么时候发货呀", "发顺丰到乌鲁木齐要几天", "我的包裹到哪了", "我要退货",
         "一米六五110斤穿什么码", "包邮吗", "能便宜点吗", "在吗", "质量太差了，我要投诉",
         "可以改地址吗", "有发票吗", "那杭州呢"]


@pytest.fixture(scope="module", autouse=True)
def _asked_for(request: pytest.FixtureRequest) -> None:
    markexpr = request.config.getoption("markexpr", "") or ""
    if os.environ.get("SOAK") != "1" and "slow" not in markexpr:
        pytest.skip("the soak test runs for minutes: `make soak` (or SOAK=1, or -m slow)")


def percentile(values: List[float], share: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))]


def ms(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value * 1000, 1)


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.retries: Counter = Counter()   # by reason
        self.failures: List[str] = []       # requests given up on, or refused for good
        self.latency: List[float] = []      # webhook message: first try → accepted
        self.approve_latency: List[float] = []
        self.event_latency: List[float] = []  # message accepted → on its agent's stream
        self.accepted: Dict[str, List[str]] = {}  # conversation → client_message_ids in order
        self.served_by: Dict[str, str] = {}       # client_message_id → API process
        self.accepted_at: Dict[str, float] = {}
        self.approved: Dict[int, int] = {}          # suggestion id → reply id
        self.conflicts: List[str] = []
        self.sent = 0
        self.timeline: List[Tuple[float, str]] = []

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def mark(self, started: float, what: str) -> None:
        with self.lock:
            self.timeline.append((round(time.monotonic() - started, 1), what))


# ---- the shop's chat system: signed webhook posts --------------------------------------

def post_signed(http: httpx.Client, url: str, secret: str, payload: Dict[str, Any],
                stats: Stats) -> Optional[httpx.Response]:
    """POST until accepted (201 new, 200 duplicate); the same body, a new timestamp and
    signature each time (a signature is single use)."""
    from bot.channels.signing import sign

    body = json.dumps(payload, ensure_ascii=False).encode()
    last_ts = 0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        now = time.time()
        if int(now) <= last_ts:  # the same second would give the same signature: a replay
            time.sleep(last_ts + 1.01 - now)
        ts = int(time.time())
        last_ts = ts
        wait = min(2.0, 0.25 * 2 ** (attempt - 1))
        try:
            r = http.post(url, content=body, headers={
                "Content-Type": "application/json", "X-Shop-Timestamp": str(ts),
                "X-Shop-Signature": sign(secret, ts, body)})
        except httpx.TransportError as e:
            reason = type(e).__name__
        else:
            if r.status_code in (200, 201):
                if attempt > 1:
                    stats.add("messages retried")
                if r.status_code == 200:
                    stats.add("duplicates answered on a retry")
                return r
            if r.status_code != 429 and r.status_code < 500:
                with stats.lock:
                    stats.failures.append(f"{payload['client_message_id']}: {r.status_code} "
                                          f"{r.text[:200]}")
                return None
            reason = f"HTTP {r.status_code}"
            if r.headers.get("Retry-After", "").isdigit():
                wait = float(r.headers["Retry-After"])
        with stats.lock:
            stats.retries[reason] += 1
        time.sleep(wait)
    with stats.lock:
        stats.failures.append(f"{payload['client_message_id']}: gave up after {MAX_ATTEMPTS}")
    return None


def client(index: int, front: str, secret: str, stats: Stats) -> None:
    url = f"{front}/api/hooks/{SHOP}/messages"
    with httpx.Client(timeout=httpx.Timeout(90, connect=10)) as http:
        for n in range(CONVERSATIONS):
            g = index * CONVERSATIONS + n
            conversation = f"soak-{g:06d}"
            buyer = f"{SHOP}-{BUYERS[g % len(BUYERS)]}"
            for k in range(MESSAGES):
                message_id = f"{conversation}-{k}"
                payload = {"conversation_id": conversation, "client_message_id": message_id,
                           "text": TEXTS[(g + k * 5) % len(TEXTS)], "buyer_id": buyer}
                started = time.monotonic()
                r = post_signed(http, url, secret, payload, stats)
                with stats.lock:
                    stats.sent += 1
                if r is None:
                    continue
                with stats.lock:
                    stats.latency.append(time.monotonic() - started)
                    stats.accepted.setdefault(conversation, []).append(message_id)
                    stats.served_by[message_id] = r.headers.get("X-Served-By", "?")
                    stats.accepted_at[message_id] = time.monotonic()


# ---- agents: a live stream each (through HAProxy), approving in order ------------------

class LiveStream:
    """A shop's live stream that reconnects (new ticket, Last-Event-ID) whenever it ends."""

    def __init__(self, base: str, ticket_base: str, token: str, name: str, stats: Stats,
                 on_event: Any) -> None:
        self.base, self.ticket_base, self.token, self.name = base, ticket_base, token, name
        self.stats, self.on_event = stats, on_event
        self.last_id: Optional[int] = None
        self.connections = 0
        self.resets = 0
        self.stop = threading.Event()
        self.seen_messages: Dict[str, int] = {}  # client_message_id → times received
        self.resumed_from: List[Optional[int]] = []  # the Last-Event-ID of each connection
        self.ends: List[str] = []                    # how each connection ended
        self._client = httpx.Client(timeout=httpx.Timeout(90, connect=5))
        self._response: Optional[httpx.Response] = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> LiveStream:
        self.thread.start()
        return self

    def close(self) -> None:
        """End it now: a read blocked until the next heartbeat is woken by shutting the
        socket down."""
        self.stop.set()
        response = self._response
        if response is not None:
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.thread.join(15)
        self._client.close()

    def _ticket(self) -> Optional[str]:
        try:
            r = self._client.post(f"{self.ticket_base}/api/shops/{SHOP}/events/ticket",
                                  headers=bearer(self.token), timeout=30)
            if r.status_code == 201:
                return str(r.json()["ticket"])
        except httpx.HTTPError:
            pass
        return None

    def _run(self) -> None:
        while not self.stop.is_set():
            ticket = self._ticket()
            if ticket is None:
                time.sleep(0.5)
                continue
            headers = {"Last-Event-ID": str(self.last_id)} if self.last_id is not None else {}
            try:
                with self._client.stream("GET", f"{self.base}/api/shops/{SHOP}/events",
                                         params={"ticket": ticket}, headers=headers) as response:
                    if response.status_code != 200:
                        time.sleep(0.5)
                        continue
                    self.connections += 1
                    self.resumed_from.append(self.last_id)
                    self._response = response
                    kind, event_id = "message", None
                    for line in response.iter_lines():
                        if line.startswith("event: "):
                            kind = line[7:]
                        elif line.startswith("id: "):
                            event_id = int(line[4:])
                        elif line.startswith("data: "):
                            self._event(kind, event_id, json.loads(line[6:]))
                            kind, event_id = "message", None
                    self.ends.append(f"ended by the server after {self.last_id}")
            except Exception as e:  # the process went away, or close()
                if not self.stop.is_set():
                    self.ends.append(f"{type(e).__name__} after {self.last_id}")
            if not self.stop.is_set():
                time.sleep(0.2)

    def _event(self, kind: str, event_id: Optional[int], data: Dict[str, Any]) -> None:
        if event_id is not None:
            self.last_id = max(self.last_id or 0, event_id)
        if kind == "reset":
            self.resets += 1
        elif kind == "ready" and self.last_id is None:
            self.last_id = data.get("last_event_id") or 0
        elif kind == "message":
            message_id = data["message"]["client_message_id"]
            self.seen_messages[message_id] = self.seen_messages.get(message_id, 0) + 1
        self.on_event(kind, data)


class Agent:
    def __init__(self, index: int, cluster: Cluster, stats: Stats) -> None:
        self.index, self.cluster, self.stats = index, cluster, stats
        self.name = f"soak-agent-{index}"
        self.token = cluster.create_user(self.name, "agent", [SHOP])
        self.todo: queue.Queue = queue.Queue()
        self.handled: set = set()
        self.stream = LiveStream(cluster.front_url, cluster.front_url, self.token,
                                 f"stream-{self.name}", stats, self._on_event)
        self.http = httpx.Client(timeout=httpx.Timeout(90, connect=10))
        self.worker = threading.Thread(target=self._work, name=self.name, daemon=True)
        self.stopping = threading.Event()
        self.busy_until = time.monotonic()
        self.working = False
        self.reloaded = 0  # messages answered from a reload, not from the live stream

    def owns(self, conversation: str) -> bool:
        return conversation.startswith("soak-") and int(conversation[5:]) % AGENTS == self.index

    def start(self) -> None:
        self.stream.start()
        self.worker.start()

    def stop(self) -> None:
        self.stopping.set()
        self.todo.put(None)
        self.worker.join(60)
        self.stream.close()
        self.http.close()

    def idle_for(self) -> float:
        if self.working or not self.todo.empty():
            return 0.0
        return time.monotonic() - self.busy_until

    def reload(self, conversation: str) -> None:
        """What the console does on a list refresh: open the conversation, answer what
        is still open, oldest first."""
        url = f"{self.cluster.front_url}/api/shops/{SHOP}/conversations/{conversation}"
        r = self.http.get(url, headers=bearer(self.token))
        assert r.status_code == 200, r.text
        for item in r.json()["timeline"]:
            if item["type"] == "buyer" and item["state"] == "open":
                self.reloaded += 1
                self.todo.put({**item, "reloaded": True})

    def _on_event(self, kind: str, data: Dict[str, Any]) -> None:
        if kind != "message" or not self.owns(data["message"]["conversation_id"]):
            return
        message = data["message"]
        accepted = self.stats.accepted_at.get(message["client_message_id"])
        if accepted is not None:
            with self.stats.lock:
                self.stats.event_latency.append(max(0.0, time.monotonic() - accepted))
        self.todo.put(message)

    def _work(self) -> None:
        while True:
            message = self.todo.get()
            if message is None:
                return
            self.working = True
            try:
                self._handle(message)
            finally:
                self.busy_until = time.monotonic()
                self.working = False

    def _handle(self, message: Dict[str, Any]) -> None:
        if message["id"] in self.handled and not message.get("reloaded"):
            self.stats.add("message events seen twice by an agent")  # a replay
            return
        self.handled.add(message["id"])
        pending = [s for s in message["suggestions"] if s.get("status", "pending") == "pending"]
        if not pending:
            self.stats.add("messages without a suggestion")
            return
        self.approve(pending[0]["id"])

    def approve(self, suggestion_id: int) -> None:
        url = f"{self.cluster.front_url}/api/shops/{SHOP}/suggestions/{suggestion_id}/approve"
        body: Optional[Dict[str, Any]] = None
        started = time.monotonic()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                r = self.http.post(url, headers=bearer(self.token), json=body)
            except httpx.TransportError as e:
                with self.stats.lock:
                    self.stats.retries[f"approve {type(e).__name__}"] += 1
                time.sleep(min(2.0, 0.25 * 2 ** (attempt - 1)))
                continue
            if r.status_code == 201:
                with self.stats.lock:
                    self.stats.approved[suggestion_id] = r.json()["id"]
                    self.stats.approve_latency.append(time.monotonic() - started)
                return
            if r.status_code == 409:
                detail = r.json()
                if detail.get("needs_confirm"):
                    body = {"confirm": True}
                    continue
                if detail.get("status") in ("approved", "edited") \
                        and detail.get("decided_by") == self.name:  # our earlier try went through
                    with self.stats.lock:
                        self.stats.approved[suggestion_id] = detail.get("settled_by_reply_id") or -1
                    self.stats.add("approvals that succeeded on a try that got no answer")
                    return
                if "try again" in str(detail.get("detail")):
                    time.sleep(0.1)
                    continue
                with self.stats.lock:
                    self.stats.conflicts.append(f"{suggestion_id}: {detail.get('detail')}")
                return
            if r.status_code == 429 or r.status_code >= 500:
                with self.stats.lock:
                    self.stats.retries[f"approve HTTP {r.status_code}"] += 1
                time.sleep(min(2.0, 0.25 * 2 ** (attempt - 1)))
                continue
            with self.stats.lock:
                self.stats.failures.append(f"approve {suggestion_id}: {r.status_code} {r.text[:200]}")
            return
        with self.stats.lock:
            self.stats.failures.append(f"approve {suggestion_id}: gave up")


# ---- the run -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def soak_cluster(model_path: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    c = start_cluster(tmp_path_factory.mktemp("soak"), workers=WORKERS, model_path=model_path)
    yield c
    c.stop()


def database(cluster: Cluster):  # type: ignore[no-untyped-def]
    from bot.store.db import make_engine, session_factory

    engine = make_engine(cluster.database_url)
    return engine, session_factory(engine)


def test_soak(soak_cluster: Cluster, tmp_path: Path) -> None:
    from reply_receiver import Receiver  # scripts/reply_receiver.py
    from sqlalchemy import func

    from bot.channels.config import configure
    from bot.store.channel_models import Delivery, DeliveryState
    from bot.store.service_models import BuyerMessage, Conversation, MessageState, Reply, Suggestion

    cluster = soak_cluster
    assert WORKERS >= 2, "the fault needs another process to take the traffic"
    engine, sessions = database(cluster)
    with sessions() as session:
        secret = configure(session, SHOP).webhook_secret
    receiver = Receiver(secret, tmp_path / "received.jsonl").start()
    with sessions() as session:
        configure(session, SHOP, webhook_url=receiver.url)

    stats = Stats()
    started = time.monotonic()
    agents = [Agent(i, cluster, stats) for i in range(AGENTS)]
    observed: List[Dict[str, Any]] = []
    observer_token = cluster.create_user("soak-observer", "agent", [SHOP])
    observer = LiveStream(cluster.api_urls[0], cluster.api_urls[0], observer_token, "observer",
                          stats, lambda kind, data: observed.append(data) if kind == "message"
                          else None)
    observer.start()
    for agent in agents:
        agent.start()
    time.sleep(2)  # streams connected

    total = CLIENTS * CONVERSATIONS * MESSAGES
    faults: Dict[str, Any] = {}
    victim = 1  # never process 0: it holds the observer stream

    def chaos() -> None:
        while stats.sent < KILL_AT * total:
            time.sleep(0.2)
        stats.mark(started, f"SIGKILL api{victim}")
        killed = time.monotonic()
        cluster.kill_api(victim)
        cluster.wait_server(victim, "DOWN", timeout=30)
        faults["kill_detected_seconds"] = round(time.monotonic() - killed, 2)
        stats.mark(started, f"api{victim} DOWN in HAProxy")
        cluster.start_api(victim, timeout=300)
        faults["kill_to_back_in_rotation_seconds"] = round(time.monotonic() - killed, 1)
        stats.mark(started, f"api{victim} UP again")
        while stats.sent < REDIS_AT * total:
            time.sleep(0.2)
        stats.mark(started, "Redis stopped")
        down = time.monotonic()
        cluster.restart_redis(down_seconds=2)
        faults["redis_down_seconds"] = round(time.monotonic() - down, 1)
        stats.mark(started, "Redis started")

    chaos_thread = threading.Thread(target=chaos, name="chaos", daemon=True)
    chaos_thread.start()
    clients = [threading.Thread(target=client, args=(i, cluster.front_url, secret, stats),
                                name=f"client-{i}", daemon=True) for i in range(CLIENTS)]
    load_started = time.monotonic()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    load_seconds = time.monotonic() - load_started
    stats.mark(started, "clients done")
    chaos_thread.join(600)
    assert not chaos_thread.is_alive(), "the faults did not finish"

    # the agents catch up, then the outbox drains
    accepted_ids = {m for ids in stats.accepted.values() for m in ids}
    soak_conversations = Conversation.external_id.like("soak-%")

    def open_conversations() -> List[str]:
        with sessions() as session:
            return [c for (c,) in session.query(Conversation.external_id).join(
                BuyerMessage).filter(soak_conversations, BuyerMessage.state == MessageState.open)
                .distinct()]

    def agents_idle(quiet: float = 3.0, timeout: float = DRAIN_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(a.idle_for() >= quiet for a in agents):
                return
            time.sleep(0.5)

    # the agents work through what their streams brought; then, like a console that
    # reloads its list, they open each conversation still waiting and answer it (these
    # are messages whose live event never reached their agent: counted, and a problem)
    agents_idle()
    still_open = open_conversations()
    stats.mark(started, f"streams' work done; {len(still_open)} conversations still open")
    for conversation in still_open:
        agents[int(conversation[5:]) % AGENTS].reload(conversation)
    agents_idle(timeout=60)
    approvals_done = time.monotonic()
    stats.mark(started, "agents done")
    left_open = len(open_conversations())
    deadline = time.monotonic() + DRAIN_SECONDS

    def pending_deliveries() -> int:
        with sessions() as session:
            return session.query(Delivery).filter(Delivery.shop_id == SHOP,
                                                  Delivery.state == DeliveryState.pending).count()

    while pending_deliveries() and time.monotonic() < deadline:
        time.sleep(1)
    stats.mark(started, "outbox drained")
    time.sleep(3)  # the observer's last events
    for agent in agents:
        agent.stop()
    observer.close()
    receiver.stop()
    total_seconds = time.monotonic() - started

    # ---- what the database and the receiver hold
    with sessions() as session:
        conversations = {c.id: c.external_id for c in
                         session.query(Conversation).filter(soak_conversations)}
        messages = (session.query(BuyerMessage).filter(
            BuyerMessage.conversation_id.in_(conversations)).order_by(BuyerMessage.id).all())
        suggestion_counts = dict(session.query(Suggestion.message_id, func.count(Suggestion.id))
                                 .join(BuyerMessage).filter(
            BuyerMessage.conversation_id.in_(conversations)).group_by(Suggestion.message_id))
        replies = (session.query(Reply).filter(Reply.conversation_id.in_(conversations))
                   .order_by(Reply.id).all())
        deliveries = {d.reply_id: d for d in session.query(Delivery).filter(
            Delivery.conversation_id.in_(conversations))}
        reply_rows = [(r.id, conversations[r.conversation_id], r.kind.value, r.suggestion_id)
                      for r in replies]
        delivery_rows = {rid: (d.state.value, d.attempts, d.idempotency_key)
                         for rid, d in deliveries.items()}
        message_rows = [(m.id, conversations[m.conversation_id], m.client_message_id, m.degraded,
                         m.state.value) for m in messages]
    engine.dispose()

    problems: List[str] = []
    stored_by_conversation: Dict[str, List[str]] = defaultdict(list)
    for _, conversation, message_id, _, _ in message_rows:
        stored_by_conversation[conversation].append(message_id)
    stored_ids = [m for _, _, m, _, _ in message_rows]
    if len(stored_ids) != len(set(stored_ids)):
        problems.append("a message is stored twice")
    lost = accepted_ids - set(stored_ids)
    if lost:
        problems.append(f"{len(lost)} accepted messages are not stored: {sorted(lost)[:5]}")
    unaccepted = set(stored_ids) - accepted_ids
    out_of_order = [c for c, ids in stored_by_conversation.items()
                    if ids != sorted(ids, key=lambda m: int(m.rsplit("-", 1)[1]))]
    if out_of_order:
        problems.append(f"{len(out_of_order)} conversations stored out of order: {out_of_order[:3]}")
    without = [m for i, _, m, _, _ in message_rows if not suggestion_counts.get(i)]
    if without:
        problems.append(f"{len(without)} messages without suggestions: {without[:5]}")
    if stats.failures:
        problems.append(f"{len(stats.failures)} requests failed for good: {stats.failures[:5]}")
    if left_open:
        problems.append(f"{left_open} conversations still have open messages")

    received = receiver.received()
    keys = [item["idempotency_key"] for item in received]
    if len(keys) != len(set(keys)):
        problems.append("the receiver kept a key twice")
    by_key = {item["idempotency_key"]: item for item in received}
    undelivered = [rid for rid, _, _, _ in reply_rows
                   if delivery_rows.get(rid, ("missing",))[0] != "delivered"
                   or f"reply-{rid}" not in by_key]
    if undelivered:
        problems.append(f"{len(undelivered)} replies not delivered: "
                        f"{[(r, delivery_rows.get(r)) for r in undelivered[:5]]}")
    extra = set(by_key) - {f"reply-{rid}" for rid, _, _, _ in reply_rows}
    if extra:
        problems.append(f"the receiver got {len(extra)} replies the database does not have")
    arrival: Dict[str, List[int]] = defaultdict(list)
    for item in received:
        arrival[item["conversation_id"]].append(item["reply_id"])
    stored_replies: Dict[str, List[int]] = defaultdict(list)
    for rid, conversation, _, _ in reply_rows:
        stored_replies[conversation].append(rid)
    misordered = [c for c, ids in arrival.items() if ids != stored_replies.get(c)]
    if misordered:
        problems.append(f"{len(misordered)} conversations' replies arrived out of order: "
                        f"{[(c, arrival[c], stored_replies.get(c)) for c in misordered[:3]]}")
    approved_suggestions = {sid for _, _, kind, sid in reply_rows if kind in ("approved", "edited")}
    missing_approvals = set(stats.approved) - approved_suggestions
    if missing_approvals:
        problems.append(f"{len(missing_approvals)} approvals answered 201 have no reply")

    event_of = {d["message"]["client_message_id"]: d.get("event_id") for d in observed}
    owner_missed = []
    for m in stored_ids:
        owner = agents[int(m.split("-")[1]) % AGENTS]
        if m not in owner.stream.seen_messages:
            owner_missed.append((m, event_of.get(m), owner.name, owner.stream.resumed_from))
    seen_by_observer = Counter(d["message"]["client_message_id"] for d in observed)
    not_observed = [m for m in stored_ids if m not in seen_by_observer]
    from_others = sum(1 for m in seen_by_observer if stats.served_by.get(m) not in ("api0", None))
    if not_observed:
        problems.append(f"the observer stream on api0 missed {len(not_observed)} message events: "
                        f"{not_observed[:5]}")
    if owner_missed:
        problems.append(f"{len(owner_missed)} message events never reached their agent's stream "
                        f"(the agents answered them after a reload)")
    if not from_others:
        problems.append("the observer on api0 saw no event published by another process")

    kinds = Counter(kind for _, _, kind, _ in reply_rows)
    suggestions_total = sum(suggestion_counts.values())
    counters = cluster.haproxy_counters().get("BACKEND", {})
    report = {
        "config": {"api_processes": WORKERS, "clients": CLIENTS,
                   "conversations_per_client": CONVERSATIONS,
                   "messages_per_conversation": MESSAGES, "agents": AGENTS,
                   "machine_cpus": os.cpu_count()},
        "seconds": {"load": round(load_seconds, 1),
                    "approvals_done_after_load": round(approvals_done - load_started - load_seconds, 1),
                    "total": round(total_seconds, 1)},
        "faults": {**faults, "timeline": stats.timeline},
        "messages": {"sent": total, "accepted": len(accepted_ids), "stored": len(stored_ids),
                     "stored_not_acknowledged": len(unaccepted), "lost": len(lost),
                     "degraded": sum(1 for _, _, _, d, _ in message_rows if d),
                     "retried": stats.counts["messages retried"],
                     "duplicates_answered_on_a_retry": stats.counts["duplicates answered on a retry"],
                     "retries_by_reason": dict(stats.retries),
                     "served_by": dict(Counter(stats.served_by.values())),
                     "per_second": round(len(accepted_ids) / load_seconds, 1),
                     "latency_ms": {"p50": ms(percentile(stats.latency, 0.5)),
                                    "p95": ms(percentile(stats.latency, 0.95)),
                                    "max": ms(max(stats.latency) if stats.latency else None)}},
        "suggestions": {"stored": suggestions_total,
                        "per_second": round(suggestions_total / load_seconds, 1),
                        "messages_without": len(without)},
        "agents": {"approved": len(stats.approved), "conflicts": len(stats.conflicts),
                   "conflict_examples": stats.conflicts[:3],
                   "approve_latency_ms": {"p50": ms(percentile(stats.approve_latency, 0.5)),
                                          "p95": ms(percentile(stats.approve_latency, 0.95))},
                   "message_to_agent_stream_ms": {"p50": ms(percentile(stats.event_latency, 0.5)),
                                                  "p95": ms(percentile(stats.event_latency, 0.95))},
                   "stream_connections": [a.stream.connections for a in agents],
                   "stream_resets": sum(a.stream.resets for a in agents),
                   "stream_ends": [a.stream.ends for a in agents],
                   "message_events_their_agent_never_got": len(owner_missed),
                   "missed_examples": owner_missed[:5],
                   "answered_after_a_reload": sum(a.reloaded for a in agents),
                   "queued_at_end": [a.todo.qsize() for a in agents],
                   "handled": [len(a.handled) for a in agents],
                   "without_suggestion": stats.counts["messages without a suggestion"],
                   "events_seen_twice": stats.counts["message events seen twice by an agent"],
                   "left_open": left_open},
        "replies": {"stored": len(reply_rows), "by_kind": dict(kinds),
                    "delivered": sum(1 for s, _, _ in delivery_rows.values() if s == "delivered"),
                    "delivery_attempts_over_1": sum(1 for _, a, _ in delivery_rows.values() if a > 1),
                    "receiver_kept": len(received), "receiver_repeats_dropped": receiver.repeats,
                    "receiver_refused_signatures": receiver.refused,
                    "undelivered": len(undelivered), "out_of_order_conversations": len(misordered)},
        "live": {"observer_on": "api0", "observer_connections": observer.connections,
                 "observer_ends": observer.ends,
                 "message_events_seen": len(seen_by_observer),
                 "of_them_published_by_other_processes": from_others,
                 "missed": len(not_observed)},
        "haproxy": {k: counters.get(k) for k in ("stot", "wretr", "wredis", "econ", "eresp",
                                                  "hrsp_2xx", "hrsp_4xx", "hrsp_5xx")},
        "failures": stats.failures[:20],
        "problems": problems,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    out = ROOT / "results" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    print("\n" + summary(report) + f"\nwritten to {out}")
    assert not problems, "\n".join(problems)


def summary(r: Dict[str, Any]) -> str:
    m, s, a, rep, live = r["messages"], r["suggestions"], r["agents"], r["replies"], r["live"]
    c = r["config"]
    return "\n".join([
        f"soak: {c['api_processes']} API processes behind HAProxy, {c['clients']} clients × "
        f"{c['conversations_per_client']} conversations × {c['messages_per_conversation']} "
        f"messages, {c['agents']} agents, {c['machine_cpus']} CPUs",
        f"  load {r['seconds']['load']} s, all done in {r['seconds']['total']} s",
        f"  faults: {r['faults']}",
        f"  messages: {m['accepted']}/{m['sent']} accepted, {m['stored']} stored, lost "
        f"{m['lost']}, degraded {m['degraded']}, retried {m['retried']} "
        f"({m['retries_by_reason']}), {m['per_second']}/s, latency p50 "
        f"{m['latency_ms']['p50']} ms p95 {m['latency_ms']['p95']} ms",
        f"  suggestions: {s['stored']}, {s['per_second']}/s",
        f"  agents: {a['approved']} approved, {a['conflicts']} conflicts, approve p50 "
        f"{a['approve_latency_ms']['p50']} ms p95 {a['approve_latency_ms']['p95']} ms; message "
        f"→ agent stream p50 {a['message_to_agent_stream_ms']['p50']} ms p95 "
        f"{a['message_to_agent_stream_ms']['p95']} ms",
        f"  replies: {rep['stored']} ({rep['by_kind']}), delivered {rep['delivered']}, receiver "
        f"kept {rep['receiver_kept']} (dropped {rep['receiver_repeats_dropped']} repeats), "
        f"undelivered {rep['undelivered']}, out of order {rep['out_of_order_conversations']}",
        f"  live: the observer on api0 saw {live['message_events_seen']} message events, "
        f"{live['of_them_published_by_other_processes']} published by other processes, "
        f"missed {live['missed']}",
        f"  haproxy: {r['haproxy']}",
        f"  problems: {r['problems'] or 'none'}"])
