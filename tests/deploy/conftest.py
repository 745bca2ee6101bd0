"""The service as deployed with several processes: `deploy.cluster.Cluster` (PostgreSQL,
Redis, N `python -m api serve` processes, HAProxy) started in a temporary directory,
and what the tests need to talk to it: bearer headers, server-sent event streams."""

from __future__ import annotations

import json
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest

from deploy.cluster import Cluster, ClusterError

Event = Tuple[str, Optional[int], Dict[str, Any]]


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Everything here runs the real stack with the trained model."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.model)


def need_binaries() -> None:
    missing = [b for b in ("haproxy", "redis-server") if not (shutil.which(b) or
                                                               Path(f"/usr/sbin/{b}").exists())]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run `make system-packages`")


def start_cluster(state_dir: Path, workers: int, **options: Any) -> Cluster:
    need_binaries()
    cluster = Cluster(state_dir=state_dir, workers=workers, **options)
    try:
        cluster.start()
    except ClusterError as e:
        logs = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                         for p in sorted((state_dir / "logs").glob("*.log")))
        pytest.fail(f"the cluster did not start: {e}\n{logs}")
    return cluster


@pytest.fixture(scope="module")
def cluster(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Three API processes behind HAProxy, on their own PostgreSQL and Redis."""
    c = start_cluster(tmp_path_factory.mktemp("cluster"), workers=3, model_path=model_path)
    yield c
    c.stop()


def new_id(prefix: str = "c") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def bearer(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_message(base: str, token: str, conversation: str, text: str = "亲，什么时候发货呀",
                 buyer: str = "wuhan-paid_not_shipped", shop: str = "wuhan",
                 message_id: Optional[str] = None, timeout: float = 30) -> httpx.Response:
    """The agents' API: a buyer message into a conversation (idempotent by its id)."""
    return httpx.post(f"{base}/api/shops/{shop}/conversations/{conversation}/messages",
                      json={"client_message_id": message_id or new_id("m"), "text": text,
                            "buyer_id": buyer}, headers=bearer(token), timeout=timeout)


def ticket(base: str, token: str, shop: str = "wuhan") -> str:
    response = httpx.post(f"{base}/api/shops/{shop}/events/ticket", headers=bearer(token),
                          timeout=30)
    assert response.status_code == 201, response.text
    return str(response.json()["ticket"])


class Stream:
    """One server-sent event stream read in a thread: ``events`` as (event, id, data) in
    order, ``comments`` (the heartbeats) counted. ``close()`` ends it."""

    def __init__(self, url: str, timeout: float = 120, **request: Any) -> None:
        self.url = url
        self.events: List[Event] = []
        self.comments = 0
        self.status: Optional[int] = None
        self.error: Optional[BaseException] = None
        self.ended = threading.Event()
        self.arrived = threading.Condition()
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=10))
        self._closing = False
        self.thread = threading.Thread(target=self._read, args=(request,), daemon=True)
        self.thread.start()

    def _read(self, request: Dict[str, Any]) -> None:
        try:
            with self._client.stream("GET", self.url, **request) as response:
                self.status = response.status_code
                kind, event_id = "message", None
                for line in response.iter_lines():
                    if line.startswith(":"):
                        with self.arrived:
                            self.comments += 1
                            self.arrived.notify_all()
                    elif line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("id: "):
                        event_id = int(line[4:])
                    elif line.startswith("data: "):
                        with self.arrived:
                            self.events.append((kind, event_id, json.loads(line[6:])))
                            self.arrived.notify_all()
                        kind, event_id = "message", None
        except Exception as e:  # closed by close(), or the server went away
            if not self._closing:
                self.error = e
        finally:
            self.ended.set()
            with self.arrived:
                self.arrived.notify_all()

    def wait(self, condition: Callable[[List[Event]], bool], timeout: float = 30,
             what: str = "the event") -> None:
        deadline = time.time() + timeout
        with self.arrived:
            while not condition(self.events):
                left = deadline - time.time()
                if left <= 0 or self.ended.is_set():
                    pytest.fail(f"stream {self.url}: no {what} in {timeout:.0f} s "
                                f"(status {self.status}, error {self.error!r}); got "
                                f"{[(k, i) for k, i, _ in self.events]}")
                self.arrived.wait(min(left, 0.5))

    def wait_ready(self, timeout: float = 30) -> None:
        self.wait(lambda events: any(k == "ready" for k, _, _ in events), timeout, "ready event")

    def messages(self) -> List[str]:
        return [data["message"]["client_message_id"] for kind, _, data in self.events
                if kind == "message"]

    def close(self) -> None:
        self._closing = True
        self._client.close()
        self.thread.join(10)
