"""Relabel → retrain → before/after → activate, with buyers writing throughout the swap.
Retrain, activate and reject are admin actions; supervisors may only watch."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

import httpx
from fastapi.testclient import TestClient

from api.settings import Settings
from tests.api.conftest import auth, new_id, send

RELABELLED = {"这件衣服是什么面料的能便宜吗": "product_query", "我要开发票麻烦快点发货": "invoice"}


def wait_ready(client: TestClient, headers: Dict[str, str], job: int, timeout: float = 900) -> Dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        body = client.get(f"/api/models/{job}", headers=headers).json()
        if body["status"] in ("ready", "failed"):
            return body
        time.sleep(2)
    raise TimeoutError(f"model version {job} not ready after {timeout} s")


def test_retrain_reports_before_after_and_the_swap_drops_no_request(
        client: TestClient, agent: Dict[str, str], tokens: Dict[str, str], settings: Settings,
        live_url: str) -> None:
    supervisor, admin = auth(tokens["supervisor-wuhan"]), auth(tokens["admin"])
    for text, intent in RELABELLED.items():
        message = send(client, agent, new_id(), text).json()["message"]
        review = client.post(f"/api/shops/wuhan/review/{message['id']}",
                             json={"action": "relabel", "intent": intent}, headers=supervisor)
        assert review.status_code == 200

    refused = client.post("/api/models/retrain", headers=supervisor)
    assert refused.status_code == 403 and "admins only" in refused.json()["detail"]
    started = client.post("/api/models/retrain", headers=admin)
    assert started.status_code == 202, started.text
    job = started.json()["id"]
    assert started.json()["requested_by"] == "admin"
    assert client.post("/api/models/retrain", headers=admin).status_code == 409
    done = wait_ready(client, supervisor, job)  # supervisors follow the progress
    assert done["status"] == "ready", done["progress"]
    report = done["report"]
    assert done["examples_added"] >= len(RELABELLED)
    assert {"accuracy", "macro_f1"} <= set(report["before"]) and report["before"]["examples"] > 300
    assert report["before"]["model"] != report["after"]["model"]
    rows = {row["intent"]: row for row in report["per_intent"]}
    assert {"refund", "shipping_query", "invoice"} <= set(rows)
    assert all(0 <= row["after"] <= 1 and row["support"] > 0 for row in rows.values())
    reviewed = (Path(settings.nlu_data_dir) / "reviewed.yml").read_text(encoding="utf-8")
    assert "- intent: invoice" in reviewed and "我要开发票麻烦快点发货" in reviewed

    for action in ("activate", "reject"):
        response = client.post(f"/api/models/{job}/{action}", headers=supervisor)
        assert response.status_code == 403 and "admins only" in response.json()["detail"]
    assert client.get(f"/api/models/{job}", headers=supervisor).json()["status"] == "ready"

    # buyers keep writing while the admin activates the candidate
    results: List[int] = []
    stop = threading.Event()

    def buyer(k: int) -> None:
        with httpx.Client(base_url=live_url, headers=agent, timeout=60) as http:
            i = 0
            while not stop.is_set():
                r = http.post(f"/api/shops/wuhan/conversations/swap-{k}-{i // 4}/messages",
                              json={"client_message_id": uuid.uuid4().hex, "text": "什么时候发货"})
                results.append(r.status_code)
                i += 1

    threads = [threading.Thread(target=buyer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    time.sleep(1)
    activated = client.post(f"/api/models/{job}/activate", headers=admin)
    assert activated.status_code == 200 and activated.json()["status"] == "active"
    deadline = time.time() + 120
    while httpx.get(f"{live_url}/healthz").json()["stores"]["model"] != done["model"]:
        assert time.time() < deadline, "the live service did not switch models"
        time.sleep(0.5)
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join(60)
    assert len(results) > 10 and set(results) == {201}
    # the in-process API follows the activation too (it polls; loading takes longer on a busy machine)
    while client.get("/api/models", headers=supervisor).json()["serving"] != done["model"]:
        assert time.time() < deadline, "the in-process API did not switch models"
        time.sleep(0.5)
    assert client.post(f"/api/models/{job}/activate", headers=admin).status_code == 409
