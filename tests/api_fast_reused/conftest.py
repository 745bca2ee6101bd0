"""The API with a fake NLU through ``app.dependency_overrides[get_assistant]``: no trained
model, no Rasa, no Redis (`make test-fast`). The custom actions, the order store and every
route are the real ones; only what the NLU would say comes from a keyword table.

The service's own tests (``tests/api/``) are collected here again against this app:
approve, edit, reject, typed replies, compliance, the review queue, metrics and auth.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from fastapi.testclient import TestClient

from api.deps import get_assistant, get_clock
from api.main import create_app
from api.settings import Settings
from bot.assist.assistant import Assistant
from tests.api.conftest import Clock, _reset_clock, agent, clock, database_url, tokens, workdir  # noqa: F401  # noqa: F401

KEYWORDS = [("refund", 0.93, ("退货", "退款", "退")), ("complaint", 0.9, ("投诉", "太差", "差评")),
            ("bargain", 0.9, ("便宜", "优惠", "打折")),
            ("shipping_query", 0.95, ("发货", "快递", "运费", "到哪", "物流")),
            ("size_query", 0.9, ("尺码", "码", "斤")), ("greet", 0.97, ("在吗", "你好", "在不在")),
            ("goodbye", 0.9, ("再见", "拜拜")), ("change_order", 0.85, ("改地址", "修改")),
            ("invoice", 0.9, ("发票",)), ("human_handoff", 0.9, ("人工",))]
_ORDER = re.compile(r"\d{15,19}")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_TOKEN = re.compile(r"\d+|[A-Za-z]+|\S")


class KeywordNLU:
    """Rasa's parse shape from a keyword table; anything else is a low-confidence fallback."""

    path = Path("fake-nlu")

    def parse(self, text: str) -> Dict[str, Any]:
        name, confidence = "nlu_fallback", 0.3
        for intent, score, words in KEYWORDS:
            if any(w in text for w in words):
                name, confidence = intent, score
                break
        entities = [{"entity": entity, "value": m.group(), "start": m.start(), "end": m.end(),
                     "extractor": "fake"}
                    for entity, pattern in (("order_id", _ORDER), ("phone", _PHONE))
                    for m in pattern.finditer(text)]
        intent = {"name": name, "confidence": confidence}
        words = [{"text": m.group(), "start": m.start(), "end": m.end()}
                 for m in _TOKEN.finditer(text)]  # digits and letters whole, else characters
        return {"text": text, "intent": intent, "entities": entities, "tokens": words,
                "intent_ranking": [intent, {"name": "nlu_fallback", "confidence": 0.05}]}


def pytest_collection_modifyitems(items: list) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.own_markers = [m for m in item.own_markers if m.name not in ("model", "slow")]


@pytest.fixture(scope="package")
def settings(database_url: str, workdir: Path) -> Settings:  # noqa: F811
    return Settings(database_url=database_url, redis_url=None,
                    model_path=workdir / "no-model.tar.gz", nlu_data_dir=workdir / "nlu",
                    candidates_dir=workdir / "candidates")


@pytest.fixture(scope="package")
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:  # noqa: F811
    app = create_app(settings)
    app.dependency_overrides[get_clock] = lambda: clock
    assistant = Assistant(KeywordNLU())
    app.dependency_overrides[get_assistant] = lambda: assistant
    with TestClient(app) as test_client:
        test_client.app.state.assistant = assistant  # type: ignore[attr-defined]
        yield test_client
