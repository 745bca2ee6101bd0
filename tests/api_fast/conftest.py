"""The real API (routes, database, compliance, the custom actions in process) over a
FAKE NLU: no trained model, no Rasa, no Redis — the whole package runs in seconds.

The fake is a keyword table with fixed confidences (some under the review queue's 0.6)
and an ``order_id`` entity for 15–19 digit numbers, in Rasa's parse shape. The app
gets it through ``app.dependency_overrides[get_assistant]``, which also makes the
lifespan skip loading a model. The clock is injected too (``clock.set(...)``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from fastapi.testclient import TestClient

from api.deps import get_assistant, get_clock
from api.main import create_app
from api.settings import Settings
from bot.assist.assistant import Assistant
from bot.assist.users import create_user
from bot.store import runtime
from bot.store.demo import create_demo_database

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
IN_HOURS = dt.datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI)  # wuhan is open 09:00-23:30

# first match wins: (keywords, intent, confidence). Under 0.6 goes to the review queue.
KEYWORDS: List[Tuple[Tuple[str, ...], str, float]] = [
    (("投诉", "太差"), "complaint", 0.91),
    (("退",), "refund", 0.88),
    (("便宜",), "bargain", 0.52),          # low confidence: queued for review
    (("发货", "快递"), "shipping_query", 0.93),
    (("在吗", "你好"), "greet", 0.97),
]
FALLBACK_CONFIDENCE = 0.3
ORDER_NUMBER = re.compile(r"(?<!\d)\d{15,19}(?!\d)")


class FakeNLU:
    """Answers ``parse(text)`` like Rasa's NLU graph, from the keyword table."""

    path = None  # no model file behind it

    def __init__(self) -> None:
        self.seen: List[str] = []

    def parse(self, text: str) -> Dict[str, Any]:
        self.seen.append(text)
        name, confidence = "nlu_fallback", FALLBACK_CONFIDENCE
        for words, intent, score in KEYWORDS:
            if any(w in text for w in words):
                name, confidence = intent, score
                break
        runner_up = "greet" if name != "greet" else "goodbye"
        ranking = [{"name": name, "confidence": confidence},
                   {"name": runner_up, "confidence": round((1 - confidence) / 2, 4)}]
        entities = [{"entity": "order_id", "value": m.group(), "start": m.start(),
                     "end": m.end(), "extractor": "FakeNLU"}
                    for m in ORDER_NUMBER.finditer(text)]
        return {"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking,
                "entities": entities}


class Clock:
    def __init__(self) -> None:
        self.now = IN_HOURS

    def set(self, value: dt.datetime) -> None:
        self.now = value

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(scope="package")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api_fast")


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
def settings(database_url: str, workdir: Path) -> Settings:
    """No Redis; the NLU data and candidates dirs are temporary (nothing here retrains)."""
    return Settings(database_url=database_url, redis_url=None, nlu_data_dir=workdir / "nlu",
                    candidates_dir=workdir / "candidates")


@pytest.fixture(scope="package")
def nlu() -> FakeNLU:
    return FakeNLU()


@pytest.fixture(scope="package")
def clock() -> Clock:
    return Clock()


@pytest.fixture(autouse=True)
def _reset_clock(clock: Clock) -> None:
    clock.set(IN_HOURS)


@pytest.fixture(scope="package")
def app(settings: Settings, nlu: FakeNLU, clock: Clock) -> Any:
    app = create_app(settings)
    assistant = Assistant(nlu)  # the real in-process actions
    app.dependency_overrides[get_assistant] = lambda: assistant
    app.dependency_overrides[get_clock] = lambda: clock
    return app


@pytest.fixture(scope="package")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="package")
def tokens(client: TestClient) -> Dict[str, str]:
    """Bearer tokens by user name: two agents of wuhan, one of shanghai, a supervisor
    of each shop, an admin."""
    out = {}
    with runtime.sessions()() as session:
        for name, role, shops in (("agent-wuhan", "agent", ["wuhan"]),
                                  ("agent2-wuhan", "agent", ["wuhan"]),
                                  ("agent-shanghai", "agent", ["shanghai"]),
                                  ("supervisor-wuhan", "supervisor", ["wuhan"]),
                                  ("supervisor-shanghai", "supervisor", ["shanghai"]),
                                  ("admin", "admin", [])):
            _, out[name] = create_user(session, name, role, shops)
        session.commit()
    return out


def auth(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def agent(tokens: Dict[str, str]) -> Dict[str, str]:
    return auth(tokens["agent-wuhan"])


@pytest.fixture()
def supervisor(tokens: Dict[str, str]) -> Dict[str, str]:
    return auth(tokens["supervisor-wuhan"])


def new_id(prefix: str = "c") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def send(client: TestClient, headers: Dict[str, str], conversation: str, text: str,
         buyer: str = "wuhan-paid_not_shipped", shop: str = "wuhan") -> Any:
    return client.post(f"/api/shops/{shop}/conversations/{conversation}/messages",
                       json={"client_message_id": new_id("m"), "text": text, "buyer_id": buyer},
                       headers=headers)


def message(client: TestClient, headers: Dict[str, str], text: str, **kwargs: Any) -> Dict:
    """A buyer message in a new conversation; the stored message (with suggestions)."""
    response = send(client, headers, new_id(), text, **kwargs)
    assert response.status_code == 201, response.text
    return response.json()["message"]


def replies(client: TestClient, headers: Dict[str, str], conversation: str,
            shop: str = "wuhan") -> List[Dict]:
    response = client.get(f"/api/shops/{shop}/conversations/{conversation}/replies",
                          headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["replies"]


def history(client: TestClient, headers: Dict[str, str], conversation: str) -> Dict:
    response = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()
