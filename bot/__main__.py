"""Command line: ``python -m bot parse [MESSAGE]`` (and chat, demo-data, retrain, routes).

With a message argument, prints one JSON object. Without, reads one message per
line from standard input and prints exactly one JSON object per input line, in
order; a line that cannot be parsed yields ``{"line": n, "error": ...}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO, Dict, Optional, TextIO

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "rules" / "suggest.yml"


def _emit(obj: Dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def parse_one(parser: Any, text: str) -> Dict[str, Any]:
    from bot.nlu.parser import ParseError

    try:
        return parser.parse(text)
    except ParseError as e:
        return {"text": text[:200], "error": str(e)}
    except Exception as e:  # a broken message must never stop a batch
        return {"text": text[:200], "error": f"internal error: {type(e).__name__}: {e}"}


def run_batch(parser: Any, stream: BinaryIO, out: TextIO) -> int:
    errors = 0
    for number, raw in enumerate(stream, start=1):
        raw = raw.rstrip(b"\r\n")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            _emit({"line": number, "error": f"invalid UTF-8 at byte {e.start}"}, out)
            errors += 1
            continue
        result = parse_one(parser, text)
        result["line"] = number
        errors += "error" in result
        _emit(result, out)
    return errors


def demo_data(url: Optional[str]) -> int:
    from bot.store.db import database_url
    from bot.store.demo import DEMO_STATES, SHOPS, create_demo_database

    url = url or database_url()
    try:
        counts = create_demo_database(url)
    except Exception as e:  # a clear message, not a traceback
        print(f"error: could not load demo data into {url}: {e}", file=sys.stderr)
        return 2
    print(f"demo data loaded into {url}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("demo buyers (use as metadata.buyer_id):")
    for shop in SHOPS:
        for state, what in DEMO_STATES.items():
            print(f"  {shop}-{state:<24} {what}")
    return 0


def retrain(job: Optional[int], data_dir: Optional[Path], candidates_dir: Optional[Path]) -> int:
    from bot.assist.retrain import RetrainPaths, new_job, run
    from bot.store.runtime import sessions

    defaults = RetrainPaths()
    paths = RetrainPaths(data_dir=data_dir or defaults.data_dir,
                         candidates_dir=candidates_dir or defaults.candidates_dir)
    factory = sessions()
    if job is None:
        with factory() as session:
            job = new_job(session, requested_by="cli").id
    try:
        report = run(factory, job, paths)
    except Exception as e:
        print(f"error: retrain failed: {e}", file=sys.stderr)
        return 2
    print(f"candidate {job}: macro-F1 {report['before']['macro_f1']:.3f} → "
          f"{report['after']['macro_f1']:.3f} (accuracy {report['before']['accuracy']:.3f} → "
          f"{report['after']['accuracy']:.3f}) on {report['after']['examples']} held-out messages")
    print(f"{'intent':16} {'support':>7} {'before':>7} {'after':>7} {'delta':>7}")
    for row in report["per_intent"]:
        print(f"{row['intent']:16} {row['support']:7d} {row['before']:7.3f} {row['after']:7.3f} "
              f"{row['delta']:+7.3f}")
    print("activate it on the review page (/review) or with POST /api/models/{id}/activate")
    return 0


def routes(write: bool) -> int:
    from bot.dialogue.routes import rules_yaml

    if write:
        RULES_FILE.write_text(rules_yaml(), encoding="utf-8")
        print(f"wrote {RULES_FILE.relative_to(RULES_FILE.parents[2])}")
    else:
        sys.stdout.write(rules_yaml())
    return 0


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse buyer messages with the trained model")
    p.add_argument("message", nargs="?", help="one message; omit to read lines from stdin")
    p.add_argument("--model", type=Path, help="model .tar.gz (default: newest in models/)")
    d = sub.add_parser("demo-data", help="create/upgrade the order store and load the demo shops")
    d.add_argument("--database-url", help="default: $DATABASE_URL or SQLite in var/shop.db")
    c = sub.add_parser("chat", help="talk as a buyer of a demo shop and see the suggestions")
    c.add_argument("--shop", default="wuhan")
    c.add_argument("--buyer", help="e.g. wuhan-paid_not_shipped (see: python -m bot demo-data)")
    c.add_argument("--now", help="replay at this time (ISO), e.g. 2026-11-23T22:00:00+08:00")
    c.add_argument("--model", type=Path, default=Path("models/assistant.tar.gz"))
    r = sub.add_parser("retrain", help="train a candidate with the reviewed messages and compare it "
                       "with the model in use on the held-out set (activate it on the review page)")
    r.add_argument("--job", type=int, help="the model-version row to report to (default: a new one)")
    r.add_argument("--data-dir", type=Path, help="NLU data directory (default data/nlu)")
    r.add_argument("--candidates-dir", type=Path, help="where candidates go (default models/candidates)")
    w = sub.add_parser("routes", help="print data/rules/suggest.yml as bot/dialogue/routes.py "
                       "declares it (--write: write it)")
    w.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    if args.command == "routes":
        return routes(args.write)
    if args.command == "retrain":
        return retrain(args.job, args.data_dir, args.candidates_dir)
    if args.command == "demo-data":
        return demo_data(args.database_url)
    if args.command == "chat":
        from bot.chat import chat

        if not args.model.exists():
            print(f"error: {args.model} not found; run `make train`", file=sys.stderr)
            return 2
        return chat(args.model, args.shop, args.buyer, args.now)

    from bot.nlu.parser import NLUParser

    try:
        parser = NLUParser(args.model)
    except (FileNotFoundError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    if args.message is not None:
        result = parse_one(parser, args.message)
        _emit(result, sys.stdout)
        return 1 if "error" in result else 0
    run_batch(parser, sys.stdin.buffer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
