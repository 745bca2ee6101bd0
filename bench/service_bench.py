"""End-to-end service benchmark: HTTP in → suggestions out, beside plain Rasa. A table.

    python bench/service_bench.py [--n 300] [--turns 50] [--workers 1 2] [--readme]

Starts its own Redis server and the service (`python -m api serve`) on free ports
over a temporary copy of the demo order store; then, for comparison in the same
run, what a user would pick instead: plain Rasa (`rasa run` REST channel + `rasa
run actions` + Redis, the same model and messages). For each it measures:
  * latency p50/p99 with 1 client (one message at a time) and with 8 concurrent
    clients, suggestions per second at 8, and CPU per suggestion of every server
    process (the load generator apart);
  * latency at turn 1 vs turn 50 of a conversation: a conversation is brought to
    turn 49, then a new conversation's first turn and the long one's next turn are
    timed back to back, 40 times (medians), to show history stays bounded.
All figures come from one run on this (noisy, 2-core) machine: compare ratios.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.parse_bench import messages, percentile  # noqa: E402
from bot.processes import Process, action_process, free_port, http_ok, redis_process  # noqa: E402

SHOP, BUYER = "wuhan", "wuhan-paid_not_shipped"


def start_stack(tmp: Path, workers: int = 1,
                database_url: str = "") -> Tuple[Dict[str, Process], str, str]:
    """Redis and the service (`python -m api serve`: NLU and actions in its processes)."""
    from bot.assist.users import create_user
    from bot.store.db import make_engine, session_factory, session_scope
    from bot.store.demo import create_demo_database

    url = database_url or f"sqlite:///{tmp / 'shop.db'}"
    create_demo_database(url)
    engine = make_engine(url)
    with session_scope(session_factory(engine)) as session:
        _, token = create_user(session, "bench", "agent", [SHOP])
    engine.dispose()
    redis_port, api_port = free_port(), free_port()
    redis = redis_process(redis_port, tmp / "redis.log").start()
    env = {"DATABASE_URL": url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "PORT": str(api_port), "LOG_LEVEL": "WARNING", "WORKERS": str(workers)}
    api = Process("api", [sys.executable, "-m", "api", "serve"],
                  lambda: http_ok(f"http://127.0.0.1:{api_port}/healthz"), env=env,
                  log=tmp / "api.log").start()
    return {"api": api, "redis": redis}, f"http://127.0.0.1:{api_port}", token


def start_plain_rasa(tmp: Path) -> Tuple[Dict[str, Process], str]:
    """What a user would pick instead: `rasa run` (REST channel) + `rasa run actions` +
    Redis (tracker and lock store), the same model, endpoints.yml's stores."""
    from bot.store.demo import create_demo_database

    url = f"sqlite:///{tmp / 'plain.db'}"
    create_demo_database(url)
    redis_port, action_port, rasa_port = free_port(), free_port(), free_port()
    redis = redis_process(redis_port, tmp / "plain-redis.log").start()
    actions = action_process(action_port, url, tmp / "plain-actions.log").start()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text((ROOT / "endpoints.yml").read_text(encoding="utf-8")
                         .replace("localhost:5055", f"127.0.0.1:{action_port}")
                         .replace("port: 6379", f"port: {redis_port}"), encoding="utf-8")
    rasa = str(Path(sys.executable).parent / "rasa")
    server = Process("rasa", [rasa, "run", "--enable-api", "-m", str(ROOT / "models" /
                     "assistant.tar.gz"), "--endpoints", str(endpoints), "--credentials",
                     str(ROOT / "credentials.yml"), "--port", str(rasa_port)],
                     lambda: http_ok(f"http://127.0.0.1:{rasa_port}/status"),
                     env={"PYTHONPATH": str(ROOT)}, log=tmp / "plain-rasa.log").start(300)
    return {"api": server, "action server": actions, "redis": redis}, \
        f"http://127.0.0.1:{rasa_port}"


def _stat(pid: int) -> Tuple[int, float]:
    """(parent pid, CPU seconds used) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int, descendants: bool = True) -> float:
    """CPU seconds used so far by a process and (unless told not to) all its descendants."""
    if not descendants:
        return _stat(root)[1]
    stats: Dict[int, Tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = _stat(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    total, frontier = 0.0, [root]
    while frontier:
        pid = frontier.pop()
        total += stats.get(pid, (0, 0.0))[1]
        frontier += [child for child, (parent, _) in stats.items() if parent == pid]
    return total


PLAIN = {"plain": False}  # set while the plain-Rasa stack is measured


def post(client: httpx.Client, base: str, conversation: str, text: str) -> float:
    start = time.perf_counter()
    if PLAIN["plain"]:
        response = client.post(f"{base}/webhooks/rest/webhook", json={
            "sender": conversation, "message": text,
            "metadata": {"shop_id": SHOP, "buyer_id": BUYER}})
        elapsed = time.perf_counter() - start
        if response.status_code != 200 or not any("custom" in m for m in response.json()):
            raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[-400:]}")
        return elapsed * 1000
    response = client.post(f"{base}/api/shops/{SHOP}/conversations/{conversation}/messages",
                           json={"client_message_id": uuid.uuid4().hex, "text": text,
                                 "buyer_id": BUYER})
    elapsed = time.perf_counter() - start
    if response.status_code != 201 or response.json()["message"]["degraded"]:
        raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[-400:]}")
    return elapsed * 1000


def sequential(base: str, token: str, texts: List[str]) -> List[float]:
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        return [post(client, base, f"seq-{i // 5}", text) for i, text in enumerate(texts)]


def concurrent(base: str, token: str, texts: List[str], clients: int) -> Tuple[List[float], float]:
    latencies: List[float] = []
    lock = threading.Lock()

    def worker(k: int) -> None:
        mine = texts[k::clients]
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            for i, text in enumerate(mine):
                value = post(client, base, f"con-{k}-{i // 5}", text)
                with lock:
                    latencies.append(value)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, len(latencies) / (time.perf_counter() - start)


def long_conversations(base: str, token: str, texts: List[str], turns: int,
                       pairs: int = 40) -> Tuple[float, float]:
    """Median latency of a first turn and of turn ``turns`` (and after), measured in pairs
    back to back, so that the machine's drifting speed affects both alike."""
    first: List[float] = []
    late: List[float] = []
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        long = f"long-{uuid.uuid4().hex[:6]}"
        for turn in range(1, turns):  # bring one conversation to turn 49, unmeasured
            post(client, base, long, texts[turn % len(texts)])
        for i in range(pairs):
            text = texts[(turns + i) % len(texts)]
            first.append(post(client, base, f"fresh-{uuid.uuid4().hex[:8]}", text))
            late.append(post(client, base, long, text))
    return statistics.median(first), statistics.median(late)


def table(rows: List[Tuple[str, str, str]]) -> str:
    lines = ["| measure | figure | target |", "|---|---:|---:|"]
    return "\n".join(lines + [f"| {a} | {b} | {c} |" for a, b, c in rows])


def measure(processes: Dict[str, Process], base: str, token: str, texts: List[str],
            turns: int) -> Dict[str, object]:
    """1 client, 8 clients (with CPU per suggestion of every process), long conversations."""
    try:
        sequential(base, token, texts[:30])  # warm-up
        one = sequential(base, token, texts)
        mine = os.getpid()  # the servers are children of this process: count it alone
        pids = {name: p.proc.pid for name, p in processes.items() if p.proc is not None}
        pids["load generator"] = mine
        before = {name: tree_cpu(pid, pid != mine) for name, pid in pids.items()}
        eight, rate = concurrent(base, token, texts, 8)
        cpu = {name: (tree_cpu(pid, pid != mine) - before[name]) * 1000 / len(eight)
               for name, pid in pids.items()}
        turn1, turn_n = long_conversations(base, token, texts, turns)
    finally:
        for process in processes.values():
            process.stop()
    return {"one": one, "eight": eight, "rate": rate, "cpu": cpu, "turn1": turn1, "turn_n": turn_n}


def rows_for(label: str, r: Dict[str, object], turns: int,
             targets: bool) -> List[Tuple[str, str, str]]:
    one, eight, cpu = r["one"], r["eight"], r["cpu"]
    server = {k: v for k, v in cpu.items() if k != "load generator"}  # type: ignore[union-attr]
    t = (lambda v: v) if targets else (lambda v: "")
    return [(f"{label}, 1 client: p50 / p99 latency",
             f"{percentile(one, 50):.1f} / {percentile(one, 99):.1f} ms", t("≤ 12 / ≤ 40 ms")),
            (f"{label}, 8 clients: p50 / p99 latency",
             f"{percentile(eight, 50):.1f} / {percentile(eight, 99):.1f} ms", ""),
            (f"{label}, 8 clients: suggestions per second", f"{r['rate']:.0f}", t("≥ 200")),
            (f"{label}, CPU ms per suggestion (server processes)",
             ", ".join(f"{n} {ms:.1f}" for n, ms in server.items())
             + f" = **{sum(server.values()):.1f}**", t("≤ 8")),
            (f"{label}, CPU ms per suggestion (load generator, apart)",
             f"{cpu['load generator']:.1f}", ""),  # type: ignore[index]
            (f"{label}, turn 1 → turn {turns}+ (medians of 40 back-to-back pairs)",
             f"{r['turn1']:.1f} → {r['turn_n']:.1f} ms = {r['turn_n'] / r['turn1']:.2f}",
             t("≤ 1.2"))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300, help="messages per load test")
    ap.add_argument("--turns", type=int, default=50)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                    help="API process counts to measure (WORKERS)")
    ap.add_argument("--database-url", default="",
                    help="an empty database to use instead of a temporary SQLite file")
    ap.add_argument("--no-plain", action="store_true", help="skip the plain-Rasa stack")
    ap.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = ap.parse_args()
    texts = messages(args.n)
    rows: List[Tuple[str, str, str]] = []
    rates: Dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in args.workers:
            here = Path(tmp) / f"workers-{workers}"
            here.mkdir()
            processes, base, token = start_stack(here, workers, args.database_url)
            r = measure(processes, base, token, texts, args.turns)
            label = f"service, WORKERS={workers}"
            rates[label] = float(r["rate"])  # type: ignore[arg-type]
            rows += rows_for(label, r, args.turns, targets=True)
            print(table(rows), flush=True)  # so far
        if not args.no_plain:
            PLAIN["plain"] = True
            processes, base = start_plain_rasa(Path(tmp))
            r = measure(processes, base, "none", texts, args.turns)
            PLAIN["plain"] = False
            rows += rows_for("plain Rasa (REST + rasa run actions + Redis)", r, args.turns,
                             targets=False)
            best = max(rates, key=rates.get)  # type: ignore[arg-type]
            rows.append((f"{best} / plain Rasa, suggestions per second",
                         f"**{rates[best] / float(r['rate']):.1f}×**", "≥ 4×"))  # type: ignore[arg-type]
    out = table(rows)
    print(out)
    if args.readme:
        readme = ROOT / "README.md"
        pattern = re.compile(r"(<!-- service-bench:start -->\n).*?(<!-- service-bench:end -->)", re.S)
        readme.write_text(pattern.sub(lambda m: m.group(1) + out + "\n" + m.group(2),
                                      readme.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
