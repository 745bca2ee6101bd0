"""Two agents deciding on the same message at the same moment: exactly one wins, the
other gets a 409 naming who decided first, and nobody sees an outage (5xx).

Each race is started by a ``threading.Barrier`` so both calls really run together:
through the core functions with a session each, on SQLite and on a real PostgreSQL
(a fresh database per module), and over HTTP against the real uvicorn server, each
thread with its own client.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any, Callable, Dict, Iterator, List, Tuple

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.assist.errors import Conflict
from bot.assist.replies import approve, reject, send_free_text
from bot.store.db import make_engine, migrate, session_factory
from bot.store.demo import load_demo
from bot.store.service_models import (
    BuyerMessage,
    Conversation,
    Reply,
    Suggestion,
    SuggestionStatus,
    User,
)
from tests.api.conftest import auth, new_id, send

ROUNDS = 20
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone.utc)  # 14:00 in Wuhan: open
DECIDED = (SuggestionStatus.approved, SuggestionStatus.edited, SuggestionStatus.rejected)
Outcome = Tuple[str, str]  # ("ok" | "409" | "error", detail)


def race(first: Callable[[], Any], second: Callable[[], Any]) -> List[Outcome]:
    """Run both at the same instant (a barrier), each in its own thread."""
    barrier = threading.Barrier(2)
    outcomes: List[Outcome] = [("error", "not run")] * 2

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as e:  # noqa: BLE001 - an unexpected error is what we look for
            outcomes[index] = ("error", repr(e))

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


# -- the core functions, each thread with its own session: SQLite and PostgreSQL --------

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def factory(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[sessionmaker]:
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('race') / 'shop.db'}", None
    else:
        from tests.bot.store.conftest import PG_ADMIN, _postgres_admin

        name = f"shop_race_{uuid.uuid4().hex[:10]}"
        admin = _postgres_admin()
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        url, drop = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", (admin, name)
    migrate(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        load_demo(session, now=NOW, orders_per_shop=2)
        session.add_all([User(name=n, role="agent", shops=["wuhan"], token_hash=uuid.uuid4().hex)
                         for n in ("alice", "bob")])
        session.commit()
    yield sessions
    engine.dispose()
    if drop is not None:
        admin, name = drop
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def new_message(sessions: sessionmaker, suggestions: int = 3) -> Tuple[str, int, List[int]]:
    """A conversation with one open message and its pending suggestions."""
    with sessions() as session:
        conversation = Conversation(shop_id="wuhan", external_id=new_id(), created_at=NOW,
                                    last_message_at=NOW, unread=1)
        message = BuyerMessage(shop_id="wuhan", conversation=conversation, text="什么时候发货",
                               client_message_id=new_id("m"), received_at=NOW,
                               intent="shipping_query")
        for rank in range(suggestions):
            message.suggestions.append(Suggestion(rank=rank, text=f"亲，48小时内发货哦（{rank}）",
                                                  intent="shipping_query"))
        session.add(message)
        session.commit()
        return conversation.external_id, message.id, [s.id for s in message.suggestions]


def as_agent(sessions: sessionmaker, name: str, action: Callable[[Session, User], Any]
             ) -> Callable[[], Outcome]:
    def call() -> Outcome:
        with sessions() as session:
            user = session.execute(select(User).where(User.name == name)).scalar_one()
            try:
                action(session, user)
                return ("ok", name)
            except Conflict as e:
                return ("409", e.reason)

    return call


def replies_to(sessions: sessionmaker, message_id: int) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(Reply).where(
            Reply.message_id == message_id)).scalar_one()


def decisions_on(sessions: sessionmaker, message_id: int) -> List[str]:
    with sessions() as session:
        return [s.status.value for s in session.execute(select(Suggestion).where(
            Suggestion.message_id == message_id, Suggestion.status.in_(DECIDED))).scalars()]


def check_round(outcomes: List[Outcome], sessions: sessionmaker, message_id: int,
                max_replies: int = 1) -> str:
    """Exactly one winner and one 409 saying who won; returns the winner's name."""
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["409", "ok"], outcomes
    winner = next(detail for kind, detail in outcomes if kind == "ok")
    loser = next(detail for kind, detail in outcomes if kind == "409")
    assert winner in loser, f"the 409 does not say who decided first: {loser}"
    assert replies_to(sessions, message_id) <= max_replies
    return winner


def test_two_approvals_of_one_suggestion(factory: sessionmaker) -> None:
    for _ in range(ROUNDS):
        _, message_id, (chosen, *_) = new_message(factory)
        outcomes = race(*(as_agent(factory, name, lambda s, u, c=chosen: approve(
            s, u, "wuhan", c, None, NOW)) for name in ("alice", "bob")))
        check_round(outcomes, factory, message_id)
        assert decisions_on(factory, message_id) == ["approved"]
        assert replies_to(factory, message_id) == 1


def test_approvals_of_two_sibling_suggestions(factory: sessionmaker) -> None:
    for _ in range(ROUNDS):
        _, message_id, (first, second, _third) = new_message(factory)
        outcomes = race(*(as_agent(factory, name, lambda s, u, c=chosen: approve(
            s, u, "wuhan", c, None, NOW)) for name, chosen in (("alice", first), ("bob", second))))
        check_round(outcomes, factory, message_id)
        assert decisions_on(factory, message_id) == ["approved"]
        assert replies_to(factory, message_id) == 1


def test_approve_racing_reject(factory: sessionmaker) -> None:
    for _ in range(ROUNDS):
        _, message_id, (chosen, *_) = new_message(factory)
        outcomes = race(as_agent(factory, "alice", lambda s, u, c=chosen: approve(
                            s, u, "wuhan", c, None, NOW)),
                        as_agent(factory, "bob", lambda s, u, c=chosen: reject(
                            s, u, "wuhan", c, None, "不对", NOW)))
        winner = check_round(outcomes, factory, message_id)
        assert decisions_on(factory, message_id) == (["approved"] if winner == "alice"
                                                     else ["rejected"])
        assert replies_to(factory, message_id) == (1 if winner == "alice" else 0)


def test_two_typed_replies_to_one_message(factory: sessionmaker) -> None:
    for n in range(ROUNDS):
        conversation, message_id, _ = new_message(factory)
        outcomes = race(*(as_agent(factory, name, lambda s, u, text=f"{name} 第{n}次：今天就发",
                                   c=conversation, m=message_id: send_free_text(
            s, u, "wuhan", c, text, NOW, message_id=m)) for name in ("alice", "bob")))
        check_round(outcomes, factory, message_id)
        assert replies_to(factory, message_id) == 1


# -- over HTTP: the real server (SQLite), two clients -----------------------------------

def post(url: str, token: str, path: str, body: Any = None) -> Callable[[], Outcome]:
    def call() -> Outcome:
        with httpx.Client(base_url=url, headers=auth(token), timeout=30) as client:
            response = client.post(path, json=body)
        assert response.status_code < 500, response.text
        kind = "ok" if response.status_code in (200, 201) else str(response.status_code)
        return kind, response.json().get("detail", "") if kind != "ok" else ""

    return call


@pytest.fixture(scope="module")
def http(live_url: str, tokens: Dict[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, headers=auth(tokens["agent-wuhan"]), timeout=30) as c:
        yield c


def fresh(http: httpx.Client) -> Tuple[str, Dict[str, Any]]:
    conversation = new_id()
    response = send(http, {}, conversation, "什么时候发货")  # type: ignore[arg-type]
    assert response.status_code == 201, response.text
    message = response.json()["message"]
    assert len(message["suggestions"]) > 1
    return conversation, message


def history(http: httpx.Client, conversation: str) -> Dict[str, Any]:
    return http.get(f"/api/shops/wuhan/conversations/{conversation}").json()


@pytest.mark.parametrize("kind", ["same_suggestion", "siblings", "approve_vs_reject", "typed"])
def test_races_over_http(live_url: str, tokens: Dict[str, str], http: httpx.Client,
                         kind: str) -> None:
    names = ("agent-wuhan", "supervisor-wuhan")  # two people answering the shop's buyers
    for n in range(ROUNDS):
        conversation, message = fresh(http)
        first, second = (s["id"] for s in message["suggestions"][:2])
        calls = {
            "same_suggestion": (f"/suggestions/{first}/approve", None, f"/suggestions/{first}/approve", None),
            "siblings": (f"/suggestions/{first}/approve", None, f"/suggestions/{second}/approve", None),
            "approve_vs_reject": (f"/suggestions/{first}/approve", None, f"/suggestions/{first}/reject",
                                  {"reason": "不对"}),
            "typed": (f"/conversations/{conversation}/replies",
                      {"text": f"A{n} 今天发", "message_id": message["id"]},
                      f"/conversations/{conversation}/replies",
                      {"text": f"B{n} 今天发", "message_id": message["id"]}),
        }[kind]
        outcomes = race(post(live_url, tokens[names[0]], "/api/shops/wuhan" + calls[0], calls[1]),
                        post(live_url, tokens[names[1]], "/api/shops/wuhan" + calls[2], calls[3]))
        assert sorted(k for k, _ in outcomes) == ["409", "ok"], outcomes
        winner = names[[k for k, _ in outcomes].index("ok")]
        assert winner in next(d for k, d in outcomes if k == "409"), outcomes
        seen = history(http, conversation)
        buyer = next(item for item in seen["timeline"] if item["type"] == "buyer")
        decided = [s for s in buyer["suggestions"] if s["status"] in ("approved", "edited", "rejected")]
        replies = [item for item in seen["timeline"] if item["type"] == "reply"
                   and item["kind"] != "auto_offhours"]
        assert len(replies) <= 1 and len(decided) <= 1
        assert len(replies) + len(decided) >= 1  # one decision: a reply, or a rejection
        if replies:
            assert buyer["state"] == "answered" and buyer["settled_by_reply_id"] == replies[0]["id"]
        else:
            assert buyer["state"] == "open"  # a rejection leaves the message waiting
