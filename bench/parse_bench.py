"""NLU benchmark: parse latency, throughput, training time, memory. Prints a table.

    python bench/parse_bench.py [--model models/assistant.tar.gz] [--n 2000] [--no-train]

Messages come from the held-out test file and the training files (texts only),
cycled to --n. Latency is measured in-process, one message at a time, after a
warm-up, as percentiles of one run (this machine is noisy; compare ratios).
Training time is one `rasa train` run (NLU + dialogue rules, no cache) into a
temporary directory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def messages(n: int) -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    texts = [m.get("text") for m in load_data(str(ROOT / "data/test/test_nlu.yml")).intent_examples]
    texts += [m.get("text") for m in load_data(str(ROOT / "data/nlu")).intent_examples]
    return [texts[i % len(texts)] for i in range(n)]


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def time_training() -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "train", "--config", "config.yml",
             "--domain", "domain.yml", "--data", "data/nlu", "data/rules", "--out", out,
             "--fixed-model-name", "bench"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # no cached component outputs: a training run from scratch, as in CI
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_MAX_CACHE_SIZE": "0"},
        )
        return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--no-train", action="store_true", help="skip the training-time run")
    args = ap.parse_args()

    texts = messages(args.n)
    before = rss_mb()
    from bot.nlu.parser import NLUParser

    t0 = time.perf_counter()
    parser = NLUParser(args.model)
    load_s = time.perf_counter() - t0
    for text in texts[:50]:  # warm-up
        parser.parse(text)
    loaded = rss_mb()

    latencies = []
    start = time.perf_counter()
    for text in texts:
        t = time.perf_counter()
        parser.parse(text)
        latencies.append((time.perf_counter() - t) * 1000)
    wall = time.perf_counter() - start
    after = rss_mb()

    train_s = None if args.no_train else time_training()
    rows = [
        ("messages parsed", f"{len(texts)}", ""),
        ("parse p50", f"{percentile(latencies, 50):.2f} ms", "≤ 10 ms"),
        ("parse p99", f"{percentile(latencies, 99):.2f} ms", "≤ 30 ms"),
        ("parse mean", f"{statistics.mean(latencies):.2f} ms", ""),
        ("throughput", f"{len(texts) / wall:.0f} msg/s", ""),
        ("model load", f"{load_s:.1f} s", ""),
        ("RSS, model loaded", f"{loaded:.0f} MB", "≤ 900 MB"),
        ("RSS, after the run", f"{after:.0f} MB", ""),
        ("RSS before loading (Python + imports)", f"{before:.0f} MB", ""),
        ("training wall time (rasa train, NLU + rules)",
         "skipped" if train_s is None else f"{train_s:.0f} s", "≤ 180 s"),
    ]
    print("| measure | value | target |\n|---|---:|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
