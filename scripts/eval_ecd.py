"""Accuracy and macro-F1 on real buyer turns (../shared/eval/ecd_dev.jsonl).

A prediction counts as correct when it equals the gold intent or one of the
line's ``alt`` intents (then it is scored as the gold intent). Never train on
this file: it measures how the model does on real Taobao chats.

    python scripts/eval_ecd.py [--model models/x.tar.gz] [--out results/ecd]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "ecd_dev.jsonl"


def score(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """rows: dicts with gold ``intent``, optional ``alt``, predicted ``pred``."""
    labels = sorted({r["intent"] for r in rows} | {r["pred"] for r in rows})
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    confusion: Dict[str, Counter] = defaultdict(Counter)
    correct = 0
    for r in rows:
        gold = r["intent"]
        pred = gold if r["pred"] in r.get("alt", []) else r["pred"]
        confusion[gold][pred] += 1
        if pred == gold:
            correct += 1
            tp[gold] += 1
        else:
            fp[pred] += 1
            fn[gold] += 1
    per_intent = {}
    for label in labels:
        p = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        rc = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        support = tp[label] + fn[label]
        per_intent[label] = {"precision": p, "recall": rc, "f1-score": f1, "support": support}
    gold_labels = [lb for lb in labels if per_intent[lb]["support"] > 0]
    macro_f1 = sum(per_intent[lb]["f1-score"] for lb in gold_labels) / len(gold_labels)
    return {
        "accuracy": correct / len(rows),
        "macro_f1": macro_f1,
        "n": len(rows),
        "per_intent": per_intent,
        "confusion": {g: dict(c) for g, c in confusion.items()},
    }


def markdown(report: Dict[str, Any]) -> str:
    lines = [
        f"Real buyer turns: **accuracy {report['accuracy']:.3f}**, "
        f"macro-F1 {report['macro_f1']:.3f} (n={report['n']}; a prediction in `alt` counts)",
        "",
        "| intent | support | precision | recall | F1 | most often predicted instead |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, m in sorted(report["per_intent"].items(), key=lambda kv: -kv[1]["support"]):
        if not m["support"]:
            continue
        wrong = {k: v for k, v in report["confusion"].get(label, {}).items() if k != label}
        top = ", ".join(f"{k} ({v})" for k, v in sorted(wrong.items(), key=lambda kv: -kv[1])[:3])
        lines.append(
            f"| {label} | {m['support']} | {m['precision']:.2f} | {m['recall']:.2f} "
            f"| {m['f1-score']:.2f} | {top} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "ecd")
    ap.add_argument("--errors", action="store_true", help="print misclassified turns")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"error: {args.data} not found", file=sys.stderr)
        return 2

    from bot.nlu.parser import NLUParser

    parser = NLUParser(args.model)
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line]
    for r in rows:
        result = parser.parse(r["text"])
        r["pred"] = result["intent"]
        r["confidence"] = result["confidence"]
    report = score(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ecd_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    (args.out / "ecd_report.md").write_text(markdown(report))
    (args.out / "ecd_predictions.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    )
    print(markdown(report))
    if args.errors:
        for r in rows:
            if r["pred"] != r["intent"] and r["pred"] not in r.get("alt", []):
                print(f"{r['intent']:>15} <- {r['pred']:<15} {r['confidence']:.2f} {r['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
