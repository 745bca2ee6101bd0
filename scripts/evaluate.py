"""`make eval`: held-out test, 5-fold cross-validation, real buyer turns.

1. ``rasa test nlu`` on data/test/test_nlu.yml (never used for training)
   → results/heldout/ (intent_report.json, intent_confusion_matrix.png,
   SpacyShopEntityExtractor_report.json …)
2. ``rasa test nlu --cross-validation --folds 5`` on data/nlu → results/cv/
3. scripts/eval_ecd.py on ../shared/eval/ecd_dev.jsonl → results/ecd/
4. results/summary.md with the tables; with --readme the README's marked
   sections are replaced by them.

    python scripts/evaluate.py [--skip-cv] [--readme]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
RASA = str(Path(sys.executable).parent / "rasa")
MODEL = ROOT / "models" / "assistant.tar.gz"
SKIP_ROWS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
FALLBACK = "nlu_fallback"


def run(cmd: list) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def drop_fallback(report: Dict[str, Any], errors: list) -> Dict[str, Any]:
    """Rasa's evaluation replaces an nlu_fallback prediction by the next intent, so
    out-of-scope examples (gold nlu_fallback) always count as errors against some
    other intent. Remove them: precision is recomputed without those predictions
    and nlu_fallback is measured separately (out-of-scope table)."""
    fb = [e for e in errors if e["intent"] == FALLBACK]
    if FALLBACK not in report and not fb:
        return report
    out = {}
    for name, m in report.items():
        if name in SKIP_ROWS or name == FALLBACK or not isinstance(m, dict):
            continue
        tp = m["recall"] * m["support"]
        fp = (tp / m["precision"] - tp if m["precision"] else 0.0)
        fp -= sum(1 for e in fb if e["intent_prediction"]["name"] == name)
        p = tp / (tp + fp) if tp + fp > 0 else 0.0
        f1 = 2 * p * m["recall"] / (p + m["recall"]) if p + m["recall"] else 0.0
        out[name] = {**m, "precision": p, "f1-score": f1}
    n = len(out)
    out["macro avg"] = {"f1-score": sum(v["f1-score"] for v in out.values()) / n}
    total = sum(v["support"] for k, v in out.items() if k != "macro avg")
    out["accuracy"] = sum(v["recall"] * v["support"] for k, v in out.items()
                          if k != "macro avg") / total
    return out


def intent_table(report: Dict[str, Any], title: str) -> str:
    macro = report["macro avg"]
    acc = report.get("accuracy")
    head = f"**{title}**: macro-F1 {macro['f1-score']:.3f}"
    if acc is not None:
        head += f", accuracy {acc:.3f}"
    lines = [head, "", "| intent | support | precision | recall | F1 | confused with |",
             "|---|---:|---:|---:|---:|---|"]
    for name, m in sorted(report.items()):
        if name in SKIP_ROWS or not isinstance(m, dict):
            continue
        confused = ", ".join(f"{k} ({v})" for k, v in m.get("confused_with", {}).items())
        lines.append(f"| {name} | {m['support']} | {m['precision']:.2f} | {m['recall']:.2f} "
                     f"| {m['f1-score']:.2f} | {confused} |")
    return "\n".join(lines) + "\n"


def entity_table(report: Dict[str, Any], title: str) -> str:
    lines = [f"**{title}**: micro-F1 {report.get('micro avg', {}).get('f1-score', 0):.3f}, "
             f"macro-F1 {report.get('macro avg', {}).get('f1-score', 0):.3f}", "",
             "| entity | support | precision | recall | F1 |", "|---|---:|---:|---:|---:|"]
    for name, m in sorted(report.items()):
        if name in SKIP_ROWS or name == "no_entity" or not isinstance(m, dict):
            continue
        lines.append(f"| {name} | {m['support']} | {m['precision']:.2f} | {m['recall']:.2f} "
                     f"| {m['f1-score']:.2f} |")
    return "\n".join(lines) + "\n"


def out_of_scope_table() -> str:
    """rasa test nlu undoes fallback predictions, so fallback is measured here."""
    from rasa.shared.nlu.training_data.loading import load_data

    sys.path.insert(0, str(ROOT))
    from bot.nlu.parser import NLUParser

    parser = NLUParser(MODEL)
    oos = [m.get("text") for m in
           load_data(str(ROOT / "data/test/test_out_of_scope.yml")).intent_examples]
    inscope = [m.get("text") for m in
               load_data(str(ROOT / "data/test/test_nlu.yml")).intent_examples]
    caught = sum(parser.parse(t)["intent"] == "nlu_fallback" for t in oos)
    false_fb = sum(parser.parse(t)["intent"] == "nlu_fallback" for t in inscope)
    return ("**Out of scope** (data/test/test_out_of_scope.yml, as the product parses it): "
            f"{caught}/{len(oos)} = {caught / len(oos):.2f} fall back to `nlu_fallback`; "
            f"in-scope held-out messages wrongly falling back: {false_fb}/{len(inscope)} "
            f"= {false_fb / len(inscope):.3f}\n")


def load(path: Path) -> Dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def update_readme(sections: Dict[str, str]) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name, body in sections.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, b=body: m.group(1) + b + m.group(2), text)
    readme.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip-cv", action="store_true")
    ap.add_argument("--readme", action="store_true", help="update README tables")
    args = ap.parse_args()
    if not MODEL.exists():
        print(f"error: {MODEL} missing; run `make train`", file=sys.stderr)
        return 2

    run([RASA, "test", "nlu", "--model", str(MODEL), "--nlu", "data/test/test_nlu.yml",
         "--out", str(RESULTS / "heldout")])
    if not args.skip_cv:
        run([RASA, "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
             "--cross-validation", "--folds", "5", "--out", str(RESULTS / "cv")])
    run([sys.executable, "scripts/eval_ecd.py", "--model", str(MODEL),
         "--out", str(RESULTS / "ecd")])

    sections = {
        "heldout": intent_table(load(RESULTS / "heldout" / "intent_report.json"),
                                "Held-out test (data/test/test_nlu.yml)"),
        "entities": entity_table(
            load(RESULTS / "heldout" / "SpacyShopEntityExtractor_report.json"),
            "Entities on the held-out test (SpacyShopEntityExtractor)"),
        "ecd": (RESULTS / "ecd" / "ecd_report.md").read_text(encoding="utf-8"),
        "oos": out_of_scope_table(),
    }
    cv_report = RESULTS / "cv" / "intent_report.json"
    if cv_report.exists():
        errors = load(RESULTS / "cv" / "intent_errors.json")
        sections["cv"] = intent_table(
            drop_fallback(load(cv_report), errors),
            "5-fold cross-validation (data/nlu; the 13 contract intents, out-of-scope "
            "examples excluded as Rasa's evaluation cannot score fallback)")
    summary = "\n".join(sections[k] for k in ("heldout", "oos", "entities", "cv", "ecd")
                        if k in sections)
    (RESULTS / "summary.md").write_text(summary, encoding="utf-8")
    print(summary)
    if args.readme:
        update_readme(sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
