"""How well ``bot.privacy`` finds personal data, on a labelled set of messages.

The set (tests/data/pii/pii_set.jsonl) has one message a line:
``{"id", "text", "spans": [{"start", "end", "kind"}]}`` with kind phone, id_number or
address, written without sight of the masking code. The figures:

- per kind, span precision and recall. A predicted entity (``pii_entities``: the whole
  value, an address with its province/city/district) and a gold span *match* when they
  are of the same kind and overlap by at least half of the gold span. Precision: the
  predicted entities that match a gold span; recall: the gold spans matched by one.
- precision on ordinary text: of the messages with no gold span, the share in which
  nothing is masked (``mask(text) == text``).
- recall on personal data: the share of gold spans (any kind) with at least 90 % of
  their characters inside detected entities. Masking leaves a recognisable remnant by
  design (138****5678, an address's province/city/district), so "masked" means
  "inside a detected value". The stricter figure, counting only the characters that
  ``mask`` actually replaces, is printed next to it.

    python scripts/eval_pii.py [--data tests/data/pii/pii_holdout.jsonl] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.privacy import pii_entities  # noqa: E402

PII_DIR = ROOT / "tests" / "data" / "pii"
# pii_set.jsonl was looked at while the masker's address rules were fixed (a development set
# now); pii_holdout.jsonl was written later, blind, and measured once before any change.
SETS = {"development (pii_set.jsonl)": PII_DIR / "pii_set.jsonl",
        "held-out (pii_holdout.jsonl)": PII_DIR / "pii_holdout.jsonl"}
DEFAULT_DATA = SETS["development (pii_set.jsonl)"]
KINDS = ("phone", "id_number", "address")
# Names a labeller may use for the same three kinds.
_SYNONYMS = {"mobile": "phone", "landline": "phone", "telephone": "phone", "tel": "phone",
             "cell_phone": "phone", "id": "id_number", "id_card": "id_number", "idcard": "id_number",
             "id_no": "id_number", "addr": "address", "street": "address", "location": "address"}


def load(path: Path) -> List[Dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def kind_of(span: Dict[str, Any]) -> str:
    kind = str(span.get("kind", "")).strip().lower()
    return _SYNONYMS.get(kind, kind)


def _overlap(a: Tuple[int, int], b: Tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _covered(gold: Tuple[int, int], spans: Iterable[Tuple[int, int]]) -> float:
    inside = {i for s, e in spans for i in range(max(s, gold[0]), min(e, gold[1]))}
    return len(inside) / max(1, gold[1] - gold[0])


def _tally() -> Dict[str, int]:
    return {"predicted": 0, "pred_matched": 0, "gold": 0, "gold_matched": 0}


def evaluate(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    counts = {k: _tally() for k in KINDS}
    ordinary = ordinary_clean = gold_total = covered = covered_strict = 0
    errors: List[Dict[str, Any]] = []
    for row in rows:
        text = row["text"]
        gold = [(int(s["start"]), int(s["end"]), kind_of(s)) for s in row.get("spans") or []]
        found = pii_entities(text)
        pred = [(e["start"], e["end"], e["kind"]) for e in found]
        hidden = [tuple(e["hidden"]) for e in found]
        if not gold:
            ordinary += 1
            ordinary_clean += not found
        for s, e, k in pred:
            c = counts.setdefault(k, _tally())
            c["predicted"] += 1
            if any(gk == k and _overlap((s, e), (gs, ge)) * 2 >= ge - gs for gs, ge, gk in gold):
                c["pred_matched"] += 1
            else:
                errors.append({"id": row.get("id"), "error": "extra " + k, "text": text,
                               "span": text[s:e]})
        for gs, ge, gk in gold:
            c = counts.setdefault(gk, _tally())
            c["gold"] += 1
            if any(k == gk and _overlap((s, e), (gs, ge)) * 2 >= ge - gs for s, e, k in pred):
                c["gold_matched"] += 1
            else:
                errors.append({"id": row.get("id"), "error": "missed " + gk, "text": text,
                               "span": text[gs:ge]})
            gold_total += 1
            covered += _covered((gs, ge), [(s, e) for s, e, _ in pred]) >= 0.9
            covered_strict += _covered((gs, ge), hidden) >= 0.9
    per_kind = {k: {**c, "precision": c["pred_matched"] / c["predicted"] if c["predicted"] else None,
                    "recall": c["gold_matched"] / c["gold"] if c["gold"] else None}
                for k, c in counts.items()}
    return {"messages": len(rows), "per_kind": per_kind,
            "ordinary_messages": ordinary,
            "precision_on_ordinary_text": ordinary_clean / ordinary if ordinary else None,
            "gold_spans": gold_total,
            "recall_on_personal_data": covered / gold_total if gold_total else None,
            "recall_on_personal_data_hidden_only": covered_strict / gold_total if gold_total else None,
            "errors": errors}


def _pct(x: Any) -> str:
    return "–" if x is None else f"{x:.3f}"


def markdown(result: Dict[str, Any]) -> str:
    lines = ["| kind | gold spans | predicted | precision | recall |", "|---|---:|---:|---:|---:|"]
    for kind, c in result["per_kind"].items():
        lines.append(f"| {kind} | {c['gold']} | {c['predicted']} | {_pct(c['precision'])} "
                     f"| {_pct(c['recall'])} |")
    lines += ["", "| measure | figure |", "|---|---:|",
              f"| messages | {result['messages']} |",
              f"| precision on ordinary text ({result['ordinary_messages']} messages without "
              f"personal data, nothing masked) | {_pct(result['precision_on_ordinary_text'])} |",
              f"| recall on personal data ({result['gold_spans']} gold spans, ≥ 90 % inside a "
              f"detected value) | {_pct(result['recall_on_personal_data'])} |",
              f"| the same, counting only the characters mask replaces | "
              f"{_pct(result['recall_on_personal_data_hidden_only'])} |"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="one set (default: every set in tests/data/pii)")
    parser.add_argument("--errors", action="store_true", help="list every missed or extra span")
    args = parser.parse_args()
    sets = {str(args.data): args.data} if args.data else SETS
    for name, path in sets.items():
        result = evaluate(load(path))
        print(f"### {name}\n\n{markdown(result)}\n")
        if args.errors:
            for e in result["errors"]:
                print(json.dumps(e, ensure_ascii=False))


if __name__ == "__main__":
    main()
