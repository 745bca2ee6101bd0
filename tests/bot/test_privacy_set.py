"""Masking measured on the labelled sets in tests/data/pii/ (scripts/eval_pii.py), each
written blind from the seeds: almost nothing masked in ordinary messages, almost all
personal data masked."""

from __future__ import annotations

import pytest

from scripts.eval_pii import SETS, evaluate, load


@pytest.fixture(scope="module", params=sorted(SETS.values()), ids=lambda p: p.stem)
def result(request: pytest.FixtureRequest) -> dict:
    return evaluate(load(request.param))


def test_ordinary_text_is_left_alone(result: dict) -> None:
    assert result["ordinary_messages"] > 0
    assert result["precision_on_ordinary_text"] >= 0.99, result["errors"]


def test_personal_data_is_masked(result: dict) -> None:
    assert result["gold_spans"] > 0
    assert result["recall_on_personal_data"] >= 0.95, result["errors"]


def test_the_scorer_on_a_made_up_set() -> None:
    rows = [{"id": "a", "text": "电话13812345678", "spans": [{"start": 2, "end": 13, "kind": "phone"}]},
            {"id": "b", "text": "我想知道什么时候发货", "spans": []},
            {"id": "c", "text": "寄到武汉市洪山区珞喻路1号",
             "spans": [{"start": 8, "end": 13, "kind": "address"}]},
            {"id": "d", "text": "幺三八", "spans": [{"start": 0, "end": 3, "kind": "mobile"}]}]
    r = evaluate(rows)
    assert r["per_kind"]["phone"]["recall"] == 0.5 and r["per_kind"]["phone"]["precision"] == 1.0
    assert r["per_kind"]["address"]["recall"] == 1.0
    assert r["precision_on_ordinary_text"] == 1.0
    assert r["recall_on_personal_data"] == 2 / 3
