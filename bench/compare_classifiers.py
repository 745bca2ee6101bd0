"""Compare candidate NLU pipelines (bench/configs/*.yml) by measurement.

For each config: train on data/nlu (wall time), then on the held-out test file
and the real buyer turns: accuracy and macro-F1 at a sweep of fallback
thresholds (the FallbackClassifier is disabled while measuring, and the
threshold applied offline to the top intent), plus parse latency p50/p99.

    python bench/compare_classifiers.py [--configs bench/configs/lr.yml ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

THRESHOLDS = [0.0, 0.2, 0.3, 0.4, 0.5]


def without_fallback(config: Path, out: Path) -> Path:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["pipeline"] = [c for c in data["pipeline"] if c["name"] != "FallbackClassifier"]
    target = out / f"{config.stem}.yml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def train(config: Path, out: Path) -> Tuple[Path, float]:
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "nlu", "--config", str(config),
         "--nlu", "data/nlu", "--out", str(out), "--fixed-model-name", config.stem],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return out / f"{config.stem}.tar.gz", time.perf_counter() - start


def predict(parser: Any, rows: List[Dict[str, Any]]) -> List[float]:
    latencies = []
    for r in rows:
        t = time.perf_counter()
        result = parser.parse(r["text"])
        latencies.append((time.perf_counter() - t) * 1000)
        r["top"], r["conf"] = result["intent"], result["confidence"]
    return latencies


def accuracy_at(rows: List[Dict[str, Any]], threshold: float) -> Tuple[float, float]:
    from eval_ecd import score

    scored = [{**r, "pred": r["top"] if r["conf"] >= threshold else "nlu_fallback"} for r in rows]
    report = score(scored)
    return report["accuracy"], report["macro_f1"]


def heldout_rows() -> List[Dict[str, Any]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data/test"))
    return [{"text": m.get("text"), "intent": m.get("intent")} for m in data.intent_examples]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--configs", nargs="*", type=Path,
                    default=sorted((ROOT / "bench" / "configs").glob("*.yml")))
    args = ap.parse_args()
    from bot.nlu.parser import NLUParser

    ecd = [json.loads(line) for line in
           (ROOT.parent / "shared/eval/ecd_dev.jsonl").read_text(encoding="utf-8").splitlines()
           if line]
    held = heldout_rows()
    lines = ["| pipeline | train s | parse p50 ms | parse p99 ms | threshold "
             "| held-out acc | held-out macro-F1 | real acc | real macro-F1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for config in args.configs:
            model, seconds = train(without_fallback(config, Path(tmp)), Path(tmp))
            parser = NLUParser(model)
            lat = sorted(predict(parser, held) + predict(parser, ecd))
            p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99)]
            for threshold in THRESHOLDS:
                h_acc, h_f1 = accuracy_at(held, threshold)
                e_acc, e_f1 = accuracy_at(ecd, threshold)
                lines.append(f"| {config.stem} | {seconds:.0f} | {p50:.1f} | {p99:.1f} "
                             f"| {threshold} | {h_acc:.3f} | {h_f1:.3f} | {e_acc:.3f} "
                             f"| {e_f1:.3f} |")
            print("\n".join(lines[-len(THRESHOLDS):]), flush=True)
    print("\n".join(lines))
    os.makedirs(ROOT / "results", exist_ok=True)
    (ROOT / "results" / "compare.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
