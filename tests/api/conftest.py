"""The API under test with real parts: a Redis server and the trained Rasa model (the
custom actions run in the service's process), over a temporary SQLite order store with the demo shops.

The app runs in process (``TestClient``) so the clock can be injected with
``app.dependency_overrides``; ``clock.set(...)`` moves it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from fastapi.testclient import TestClient

from api.deps import get_clock
from api.main import create_app
from api.settings import Settings
from bot.assist.users import create_user
from bot.processes import Process, free_port, redis_process
from bot.store import runtime
from bot.store.demo import create_demo_database


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Everything here runs the real stack: marked like the other model tests."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.model)
            item.add_marker(pytest.mark.slow)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
IN_HOURS = dt.datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI)  # wuhan is open 09:00-23:30


class Clock:
    def __init__(self) -> None:
        self.now = IN_HOURS

    def set(self, value: dt.datetime) -> None:
        self.now = value

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(scope="package")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api")


@pytest.fixture(scope="package", autouse=True)
def no_secret_in_any_log(workdir: Path) -> Iterator[None]:
    """The whole API test run, logged at INFO to a file as a service would log, with the
    redaction the service installs; at the end every token and ticket issued in this
    process is looked for in that file and in the logs of every server the suite started."""
    from api.log_redaction import install_secret_redaction

    issued: List[str] = []
    real = secrets.token_urlsafe

    def recording(nbytes: Any = None) -> str:
        value = real(nbytes)
        issued.append(value)
        return value

    secrets.token_urlsafe = recording  # type: ignore[assignment]
    handler = logging.FileHandler(workdir / "test-run.log", encoding="utf-8")
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    install_secret_redaction()
    yield
    root.removeHandler(handler)
    handler.close()
    root.setLevel(previous)
    secrets.token_urlsafe = real  # type: ignore[assignment]
    logs = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in workdir.rglob("*.log")}
    assert "test-run.log" in logs
    leaked = sorted({name for name, text in logs.items() for value in issued if value in text})
    assert not leaked, f"a token or ticket issued by the tests is in {leaked}"


@pytest.fixture(scope="package")
def database_url(workdir: Path) -> Iterator[str]:
    url = f"sqlite:///{workdir / 'shop.db'}"
    create_demo_database(url, now=IN_HOURS)
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    runtime.reset()
    yield url
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    runtime.reset()


@pytest.fixture(scope="package")
def redis(workdir: Path) -> Iterator[Process]:
    port = free_port()
    process = redis_process(port, workdir / "redis.log").start()
    process.url = f"redis://127.0.0.1:{port}/0"  # type: ignore[attr-defined]
    yield process
    process.stop()


@pytest.fixture(scope="package")
def settings(model_path: Path, database_url: str, redis: Process, workdir: Path) -> Settings:
    """Retraining writes into copies: the repository's data/nlu and models/ stay as they are."""
    import shutil

    nlu = workdir / "nlu"
    if not nlu.exists():
        shutil.copytree(Path(__file__).resolve().parents[2] / "data" / "nlu", nlu)
    return Settings(database_url=database_url, redis_url=redis.url,  # type: ignore[attr-defined]
                    model_path=model_path, nlu_data_dir=nlu,
                    candidates_dir=workdir / "candidates", model_poll_seconds=0.5,
                    # every test client shares one address: the limit tests set their own
                    chat_sessions_per_ip=10_000, chat_messages_per_ip=10_000)


@pytest.fixture(scope="package")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="package")
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[get_clock] = lambda: clock
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def _reset_clock(clock: Clock) -> None:
    clock.set(IN_HOURS)


@pytest.fixture(scope="package")
def tokens(client: TestClient) -> Dict[str, str]:
    """Bearer tokens by user name: agents of each shop, a supervisor, an admin."""
    out = {}
    with runtime.sessions()() as session:
        for name, role, shops in (("agent-wuhan", "agent", ["wuhan"]),
                                  ("agent-shanghai", "agent", ["shanghai"]),
                                  ("supervisor-wuhan", "supervisor", ["wuhan"]),
                                  ("admin", "admin", [])):
            _, out[name] = create_user(session, name, role, shops)
        session.commit()
    return out


def auth(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def agent(tokens: Dict[str, str]) -> Dict[str, str]:
    return auth(tokens["agent-wuhan"])


def new_id(prefix: str = "c") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def send(client: TestClient, headers: Dict[str, str], conversation: str, text: str,
         buyer: str = "wuhan-paid_not_shipped", shop: str = "wuhan",
         message_id: str = "") -> Any:
    return client.post(f"/api/shops/{shop}/conversations/{conversation}/messages",
                       json={"client_message_id": message_id or new_id("m"), "text": text,
                             "buyer_id": buyer}, headers=headers)


LIVE_APPS: List[Any] = []


@pytest.fixture(scope="package")
def live_url(settings: Settings, clock: Clock, tokens: Dict[str, str]) -> Iterator[str]:
    """The app served over real HTTP (uvicorn in a thread), with the injected clock:
    for browsers and server-sent events."""
    import threading
    import time

    import uvicorn

    app = create_app(settings)
    LIVE_APPS.append(app)  # tests that tune its workers (delivery retries) find it here
    app.dependency_overrides[get_clock] = lambda: clock
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 120
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)
