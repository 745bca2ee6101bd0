from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.store import runtime
from bot.store.demo import create_demo_database
from tests.bot.store.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", autouse=True)
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('actions') / 'shop.db'}"
    create_demo_database(url, now=NOW)
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", url)
    runtime.reset()
    yield url
    runtime.reset()
    mp.undo()


def tracker(fixture: str = "tracker_shipping.json", **changes: Any) -> Tracker:
    state = json.loads((ROOT / "tests" / "data" / fixture).read_text(encoding="utf-8"))
    state = copy.deepcopy(state)
    message = state["latest_message"]
    for key in ("text", "entities"):
        if key in changes:
            message[key] = changes.pop(key)
    if "intent" in changes:
        message["intent"] = {"name": changes.pop("intent"), "confidence": 0.9}
    if "metadata" in changes:
        message["metadata"] = {**message["metadata"], **changes.pop("metadata")}
    state["slots"].update(changes.pop("slots", {}))
    assert not changes, changes
    return Tracker.from_dict(state)


def run(action: Action, t: Tracker, domain: Dict[str, Any]) -> Tuple[List[Dict[str, Any]],
                                                                      List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, domain))
    return events, dispatcher.messages
