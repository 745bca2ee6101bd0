"""Replay the held-out conversations through the service's path and judge the suggestions.

    make eval-conversations            # tests/data/conversations_heldout2/*.yml, the trained model

Each conversation is a demo buyer (or nobody) of a demo shop at a moment (``now``)
with the item in view (``item_id``), and turns with what a sendable first
suggestion must contain (``must``: each entry a string or a list of alternatives),
must not contain (``must_not``) and what would be a wrong fact (``wrong``).
``{order_id}``, ``{tracking_no}`` and ``{courier}`` in ``must`` are the buyer's newest
order's, read from the demo store. Every turn goes through ``bot.assist.ingest``
(the code the API runs) with a model loaded as the service loads it, over a demo
database created at that ``now``.

A suggestion is *sendable* when it contains every ``must`` entry, none of
``must_not`` or ``wrong``, and the compliance rules find nothing in it. Printed:
the share of sendable first suggestions, of turns with a sendable one among the
three, wrong facts, compliance hits, per sub-topic. Exits 1 below the targets.
The set was written blind (see its README): it measures; nothing is tuned on it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SET_DIR = ROOT / "tests" / "data" / "conversations_heldout2"  # the blind set nobody has read
TARGETS = {"first": 0.85, "any": 0.95}


def load_set(directory: Path) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for conv in data.get("conversations") or []:
            conv["file"] = path.name
            out.append(conv)
    return out


def _alternatives(entry: Any) -> List[str]:
    return [str(x) for x in entry] if isinstance(entry, list) else [str(entry)]


def _facts(session: Any, shop: str, buyer: Optional[str]) -> Dict[str, str]:
    from bot.store.queries import buyer_orders

    if not buyer:
        return {}
    orders = buyer_orders(session, shop, buyer)
    if not orders:
        return {}
    order = orders[0]
    facts = {"order_id": order.id}
    if order.shipments:
        facts.update(tracking_no=order.shipments[-1].tracking_no or "",
                     courier=order.shipments[-1].courier or "")
    return facts


def _fill(value: str, facts: Dict[str, str]) -> str:
    for k, v in facts.items():
        value = value.replace("{" + k + "}", v)
    return value


def judge(text: str, turn: Dict[str, Any], facts: Dict[str, str], rules: Any) -> Dict[str, Any]:
    from bot.compliance import check

    missing = [e for e in turn.get("must") or []
               if not any(_fill(a, facts) in text for a in _alternatives(e))]
    banned = [w for w in turn.get("must_not") or [] if _fill(str(w), facts) in text]
    wrong = [w for w in turn.get("wrong") or [] if _fill(str(w), facts) in text]
    verdict = check(text, rules)
    hits = [f.rule_id for f in verdict.findings]
    return {"sendable": not (missing or banned or wrong or hits), "missing": missing,
            "banned": banned, "wrong": wrong, "compliance": hits}


def replay(conversations: List[Dict[str, Any]], model: Path) -> List[Dict[str, Any]]:
    from bot.assist.assistant import Assistant
    from bot.assist.ingest import ingest
    from bot.compliance import load_rules
    from bot.store import runtime
    from bot.store.demo import create_demo_database

    assistant = asyncio.run(Assistant.load(model))
    rows: List[Dict[str, Any]] = []
    by_now: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for conv in conversations:
        by_now[str(conv["now"])].append(conv)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (now_text, group) in enumerate(sorted(by_now.items())):
            now = dt.datetime.fromisoformat(now_text)
            url = f"sqlite:///{Path(tmp) / f'replay{i}.db'}"
            create_demo_database(url, now=now)
            os.environ["DATABASE_URL"] = url
            runtime.reset()
            with runtime.sessions()() as session:
                for conv in group:
                    shop, buyer = conv["shop"], conv.get("buyer")
                    rules = load_rules(shop)
                    facts = _facts(session, shop, buyer)
                    for n, turn in enumerate(conv["turns"]):
                        at = now + dt.timedelta(seconds=40 * n)
                        result = ingest(session, assistant, shop, f"eval-{conv['id']}",
                                        f"{conv['id']}-{n}", str(turn["text"]), buyer, at,
                                        item_id=turn.get("item_id") or conv.get("item_id"))
                        texts = [s.text for s in result.message.suggestions]
                        judged = [judge(t, turn, facts, rules) for t in texts]
                        rows.append({
                            "conversation": conv["id"], "turn": n, "text": turn["text"],
                            "topic": turn.get("topic", "?"), "intent": result.message.intent,
                            "suggestions": texts, "judged": judged,
                            "first": bool(judged and judged[0]["sendable"]),
                            "any": any(j["sendable"] for j in judged),
                            "wrong": any(j["wrong"] for j in judged),
                            "compliance": any(j["compliance"] for j in judged)})
    return rows


def report(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    def share(items: List[Dict[str, Any]], key: str) -> float:
        return sum(r[key] for r in items) / len(items) if items else 0.0

    per_topic: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for r in rows:
        per_topic[str(r["topic"])].append(r)
    print(f"{'sub-topic':28} {'turns':>5} {'first':>6} {'any':>6} {'wrong':>5} {'compl':>5}")
    for topic, items in sorted(per_topic.items()):
        print(f"{topic:28} {len(items):5d} {share(items, 'first'):6.0%} {share(items, 'any'):6.0%}"
              f" {sum(r['wrong'] for r in items):5d} {sum(r['compliance'] for r in items):5d}")
    summary = {"turns": len(rows), "conversations": len({r["conversation"] for r in rows}),
               "first": round(share(rows, "first"), 4), "any": round(share(rows, "any"), 4),
               "wrong_facts": sum(r["wrong"] for r in rows),
               "compliance_hits": sum(r["compliance"] for r in rows)}
    print(f"\n{summary['conversations']} conversations, {summary['turns']} buyer turns: "
          f"first suggestion sendable {summary['first']:.1%} (target ≥ {TARGETS['first']:.0%}), "
          f"a sendable one among three {summary['any']:.1%} (target ≥ {TARGETS['any']:.0%}), "
          f"wrong facts {summary['wrong_facts']}, compliance hits {summary['compliance_hits']} "
          "(targets 0)")
    return summary


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=SET_DIR)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "conversations.json")
    parser.add_argument("--show-misses", action="store_true",
                        help="print every turn whose first suggestion is not sendable")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    from rasa.utils.log_utils import configure_structlog

    logging.getLogger().setLevel(logging.ERROR)
    configure_structlog(logging.ERROR)
    conversations = load_set(args.set)
    if not conversations:
        print(f"no conversations in {args.set}", file=sys.stderr)
        return 2
    rows = replay(conversations, args.model)
    summary = report(rows)
    if args.show_misses:
        for r in rows:
            if not r["first"]:
                print(json.dumps({k: r[k] for k in ("conversation", "turn", "text", "topic",
                                                    "intent", "suggestions", "judged")},
                                 ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "turns": rows}, ensure_ascii=False,
                                   indent=1), encoding="utf-8")
    met = (summary["first"] >= TARGETS["first"] and summary["any"] >= TARGETS["any"]
           and summary["wrong_facts"] == 0 and summary["compliance_hits"] == 0)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
