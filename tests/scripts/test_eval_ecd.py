from __future__ import annotations

from scripts.eval_ecd import markdown, score


def test_alt_counts_as_correct_and_is_scored_as_the_gold_intent() -> None:
    rows = [
        {"intent": "refund", "pred": "refund"},
        {"intent": "refund", "pred": "complaint", "alt": ["complaint"]},
        {"intent": "refund", "pred": "greet"},
        {"intent": "greet", "pred": "greet"},
    ]
    report = score(rows)
    assert report["accuracy"] == 0.75
    assert report["per_intent"]["refund"]["recall"] == 2 / 3
    assert report["per_intent"]["greet"]["precision"] == 0.5
    assert report["confusion"]["refund"] == {"refund": 2, "greet": 1}
    # macro-F1 averages over gold intents only: refund 0.8, greet 2/3
    assert abs(report["macro_f1"] - (0.8 + 2 / 3) / 2) < 1e-9
    assert "| refund | 3 |" in markdown(report)
