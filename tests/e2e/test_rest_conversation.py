"""End to end through Rasa's REST channel and the action server, as any Rasa client
would use the assistant: greet → shipping question without an order number →
gives the order number → fee to 新疆 → refund."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from bot.store.db import make_engine, session_factory
from bot.store.demo import create_demo_database
from bot.store.queries import buyer_orders
from tests.bot.store.conftest import NOW

pytestmark = [pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise TimeoutError(url)


def stop_all(procs: List[subprocess.Popen], logs: List[Any]) -> None:
    """Stop the servers (killed if they take over 20 s) and close their logs."""
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
    for f in logs:
        f.close()


@pytest.fixture(scope="module")
def servers(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{tmp / 'shop.db'}"
    create_demo_database(url, now=NOW)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        order_id = buyer_orders(s, "wuhan", "wuhan-paid_not_shipped")[0].id
    engine.dispose()
    action_port, rasa_port = free_port(), free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n")
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT),
           "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1"}
    logs = [open(tmp / "actions.log", "w"), open(tmp / "rasa.log", "w")]
    procs = [
        subprocess.Popen([RASA, "run", "actions", "--actions", "actions", "--port",
                          str(action_port)], cwd=ROOT, env=env, stdout=logs[0],
                         stderr=subprocess.STDOUT),
        subprocess.Popen([RASA, "run", "--enable-api", "-m", str(model_path), "--endpoints",
                          str(endpoints), "--credentials", "credentials.yml", "--port",
                          str(rasa_port), "-i", "127.0.0.1"], cwd=ROOT, env=env,
                         stdout=logs[1], stderr=subprocess.STDOUT),
    ]
    try:
        wait_for(f"http://127.0.0.1:{action_port}/health", procs[0])
        wait_for(f"http://127.0.0.1:{rasa_port}/", procs[1])
        yield {"rasa": f"http://127.0.0.1:{rasa_port}", "order_id": order_id}
    finally:
        stop_all(procs, logs)


def say(server: str, sender: str, text: str,
        metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    body = {"sender": sender, "message": text,
            "metadata": {"now": NOW.isoformat(), **(metadata or {})}}
    request = urllib.request.Request(f"{server}/webhooks/rest/webhook",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def custom(replies: List[Dict[str, Any]]) -> Dict[str, Any]:
    [reply] = [r for r in replies if "custom" in r]
    return reply["custom"]


def test_scripted_conversation(servers: Dict[str, Any]) -> None:
    rasa, order_id = servers["rasa"], servers["order_id"]
    sender = "e2e-buyer-1"

    hello = custom(say(rasa, sender, "亲在吗"))
    assert hello["situations"] == ["greet_open"]
    assert "暖暖家居旗舰店" in hello["suggestions"][0]["text"]  # the default shop: wuhan

    ask = custom(say(rasa, sender, "什么时候发货呀"))
    # an anonymous buyer: the dispatch promise, and the question which order
    assert ask["situations"][:2] == ["ship_promise", "ask_order_id"]
    assert ask["suggestions"][0]["intent"] == "shipping_query"

    ship = custom(say(rasa, sender, f"订单号{order_id}"))
    # the order number answers the dispatch-time question: its deadline (paid + 24 h)
    assert ship["situations"] == ["dispatch_by"]
    assert ship["order_id"] == order_id
    assert "11月24日 17:12" in ship["suggestions"][0]["text"]

    fee = custom(say(rasa, sender, "到新疆运费多少"))
    assert fee["situations"] == ["fee_quote"]
    assert fee["suggestions"][0]["slots"]["fee"] == "15元"

    refund = custom(say(rasa, sender, "我要退货"))
    assert refund["situations"] == ["refund_how_not_shipped"]  # the remembered order, not shipped
    assert order_id in refund["suggestions"][0]["text"]


def test_metadata_selects_shop_and_buyer(servers: Dict[str, Any]) -> None:
    replies = say(servers["rasa"], "e2e-buyer-2", "我的快递到哪了",
                  {"shop_id": "shanghai", "buyer_id": "shanghai-shipped_in_transit"})
    body = custom(replies)
    assert body["situations"][0] == "shipped"
    assert body["suggestions"][0]["slots"]["tracking_no"]
