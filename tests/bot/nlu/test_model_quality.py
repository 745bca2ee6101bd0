"""Floors the trained model must keep (the issue's acceptance figures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from scripts.eval_ecd import score

pytestmark = pytest.mark.model


def predict(parser: Any, rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{**r, "pred": parser.parse(r["text"])["intent"]} for r in rows]


def test_heldout_macro_f1_at_least_090_and_no_intent_below_080(root: Path, parser: Any) -> None:
    data = load_data(str(root / "data" / "test" / "test_nlu.yml"))
    rows = predict(parser, [{"text": m.get("text"), "intent": m.get("intent")}
                            for m in data.intent_examples])
    report = score(rows)
    assert report["macro_f1"] >= 0.90, report["macro_f1"]
    weak = {k: round(v["f1-score"], 2) for k, v in report["per_intent"].items()
            if v["support"] and v["f1-score"] < 0.80}
    assert weak == {}


def test_out_of_scope_messages_mostly_fall_back(root: Path, parser: Any) -> None:
    data = load_data(str(root / "data" / "test" / "test_out_of_scope.yml"))
    texts = [m.get("text") for m in data.intent_examples]
    caught = sum(parser.parse(t)["intent"] == "nlu_fallback" for t in texts)
    assert caught / len(texts) >= 0.6, f"{caught}/{len(texts)}"


def test_real_buyer_turns_accuracy_at_least_080(root: Path, parser: Any) -> None:
    path = root.parent / "shared" / "eval" / "ecd_dev.jsonl"
    if not path.exists():
        pytest.skip("shared/eval not present")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    report = score(predict(parser, rows))
    assert report["accuracy"] >= 0.80, report["accuracy"]


@pytest.mark.parametrize(
    "text, intent",
    [
        ("亲在吗", "greet"),
        ("啥时候发货呀", "shipping_query"),
        ("165斤穿多大码", "size_query"),
        ("能不能便宜点包个邮", "bargain"),
        ("质量太差了我要退货", "refund"),
        ("你们再不处理我就给差评了", "complaint"),
        ("转人工", "human_handoff"),
        ("能开发票吗", "invoice"),
        ("地址写错了帮我改一下", "change_order"),
    ],
)
def test_the_issue_examples(parser: Any, text: str, intent: str) -> None:
    assert parser.parse(text)["intent"] == intent


def test_entities_come_with_token_aligned_spans(parser: Any) -> None:
    result = parser.parse("一米六五110斤，发中通到乌鲁木齐多少钱")
    spans = {(e["entity"], e["value"]) for e in result["entities"]}
    assert spans == {("height", "一米六五"), ("weight", "110斤"), ("courier", "中通"),
                     ("location", "乌鲁木齐")}
    tokens = result["tokens"]
    runs = {"".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)}
    assert all(e["value"] in runs for e in result["entities"])  # whole tokens only
