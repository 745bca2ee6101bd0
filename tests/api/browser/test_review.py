"""The supervisor review page (/review) in headless Chromium: the queue with tokens,
entity spans and intent ranking, relabel / confirm / dismiss, the YAML export, the
retrain panel, and the permission error for agents.

Queued messages are made through the API first (an agent rejects a suggestion), so
each test finds its own items by message id among whatever else the package queued.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Route, expect

from tests.api.browser.conftest import login, screenshot
from tests.api.conftest import auth, new_id, send

pytestmark = pytest.mark.browser

ORDER_TEXT = "订单号是2398471029384756123什么时候发货"
ORDER_NO = "2398471029384756123"


# ---- helpers ---------------------------------------------------------------------------------


def queued(client: TestClient, tokens: Dict[str, str], text: str,
           correct_intent: Optional[str] = None) -> Dict[str, Any]:
    """A buyer message whose first suggestion the agent rejected: it is in the review queue."""
    agent = auth(tokens["agent-wuhan"])
    response = send(client, agent, new_id(), text)
    assert response.status_code == 201, response.text
    message = response.json()["message"]
    body = {"correct_intent": correct_intent} if correct_intent else {}
    rejected = client.post(f"/api/shops/wuhan/suggestions/{message['suggestions'][0]['id']}/reject",
                           json=body, headers=agent)
    assert rejected.status_code == 200, rejected.text
    return message


def review_items(client: TestClient, tokens: Dict[str, str], **params: str) -> Dict[str, Any]:
    response = client.get("/api/shops/wuhan/review", params={"limit": "500", **params},
                          headers=auth(tokens["supervisor-wuhan"]))
    assert response.status_code == 200, response.text
    return response.json()


def api_item(client: TestClient, tokens: Dict[str, str], message_id: int,
             status: str = "open") -> Dict[str, Any]:
    items = review_items(client, tokens, status=status)["items"]
    found = [i for i in items if i["message"]["id"] == message_id]
    assert found, f"message {message_id} is not in the {status} review queue"
    return found[0]


def row(page: Any, message_id: int) -> Any:
    return page.locator(f'[data-testid="review-item"][data-message-id="{message_id}"]')


def open_review(page: Any, tokens: Dict[str, str], user: str = "supervisor-wuhan") -> None:
    login(page, tokens[user], "/review")
    if user != "agent-wuhan":
        expect(page.get_by_test_id("shop-select")).to_have_value("wuhan")
        expect(page.get_by_test_id("queue-state")).to_have_text("")


def examples_under(yaml_text: str, intent: str) -> List[str]:
    """The example lines listed under ``- intent: <intent>`` in an NLU YAML export."""
    examples: Dict[str, List[str]] = {}
    current = None
    for line in yaml_text.splitlines():
        if line.startswith("- intent: "):
            current = line[len("- intent: "):].strip()
            examples.setdefault(current, [])
        elif current is not None and line.startswith("    - "):
            examples[current].append(line[len("    - "):])
    return examples.get(intent, [])


def attributes(locator: Any, name: str) -> List[str]:
    return locator.evaluate_all(f"nodes => nodes.map(n => n.getAttribute({json.dumps(name)}))")


# ---- tests ---------------------------------------------------------------------------------


def test_queue_relabel_and_export(page: Any, client: TestClient, tokens: Dict[str, str]) -> None:
    bargain = queued(client, tokens, "这个多少钱能便宜点吗", correct_intent="product_query")
    order = queued(client, tokens, ORDER_TEXT)
    weight = queued(client, tokens, "165斤穿什么码")
    view = api_item(client, tokens, bargain["id"])
    assert view["reasons"] == ["rejected", "corrected"]

    open_review(page, tokens)
    item = row(page, bargain["id"])
    expect(item).to_be_visible()
    expect(item.get_by_test_id("message-text")).to_have_text("这个多少钱能便宜点吗")
    message = view["message"]
    assert len(message["tokens"]) > 1
    expect(item.get_by_test_id("token")).to_have_text([t["text"] for t in message["tokens"]])
    ranking = sorted(message["ranking"], key=lambda r: -r["confidence"])[:5]
    expect(item.get_by_test_id("ranking-row")).to_have_count(len(ranking))
    assert attributes(item.get_by_test_id("ranking-row"), "data-intent") == [r["name"] for r in ranking]
    expect(item.get_by_test_id("ranking-confidence").first).to_have_text(
        f"{round(ranking[0]['confidence'] * 100)}%")
    expect(item.get_by_test_id("reason-badge")).to_have_count(2)
    assert attributes(item.get_by_test_id("reason-badge"), "data-reason") == ["rejected", "corrected"]
    expect(item.get_by_test_id("suggestion-text")).to_have_text(view["suggestion"]["text"])
    expect(item.get_by_test_id("suggestion-status")).to_have_attribute("data-status", "rejected")
    expect(item.get_by_test_id("suggestion-correct")).to_have_attribute("data-intent", "product_query")
    expect(item.get_by_test_id("sent-none")).to_be_visible()
    expect(item.get_by_test_id("message-intent")).to_have_attribute("data-intent", message["intent"])

    # entity spans as labelled marks over the text, their tokens flagged
    order_row = row(page, order["id"])
    mark = order_row.get_by_test_id("entity-mark")
    expect(mark).to_have_count(1)
    expect(mark).to_have_attribute("data-entity", "order_id")
    expect(mark.get_by_test_id("entity-value")).to_have_text(ORDER_NO)
    expect(mark.get_by_test_id("entity-label")).to_have_text("订单号")
    expect(order_row.locator('[data-testid="token"].in-entity')).to_have_text([ORDER_NO])
    weight_mark = row(page, weight["id"]).get_by_test_id("entity-mark")
    expect(weight_mark).to_have_attribute("data-entity", "weight")
    expect(weight_mark.get_by_test_id("entity-value")).to_have_text("165斤")

    # the retrain panel is there, with the model the service answers with (not clicked: minutes)
    serving = client.get("/api/models", headers=auth(tokens["supervisor-wuhan"])).json()["serving"]
    expect(page.get_by_test_id("retrain-panel")).to_be_visible()
    expect(page.get_by_test_id("serving-model")).to_have_text(serving)
    expect(page.get_by_test_id("retrain-button")).to_be_visible()
    expect(page.get_by_test_id("retrain-button")).to_be_disabled()  # admins only
    order_row.scroll_into_view_if_needed()
    screenshot(page, "review")

    # relabel the bargain message to what it really asks about
    item.get_by_test_id("action-relabel").click()
    form = item.get_by_test_id("relabel-form")
    expect(form.get_by_test_id("relabel-intent")).to_have_value("product_query")  # the agent's correction
    form.get_by_test_id("relabel-intent").select_option("product_query")
    form.get_by_test_id("relabel-submit").click()
    expect(item).to_have_count(0)  # it leaves the open queue
    expect(page.get_by_test_id("flash")).to_contain_text("已改标")
    review = api_item(client, tokens, bargain["id"], status="reviewed")["review"]
    assert (review["status"], review["intent"], review["reviewer"]) == (
        "relabelled", "product_query", "supervisor-wuhan")

    # relabel the order message, redoing its entity span from a token range
    order_tokens = api_item(client, tokens, order["id"])["message"]["tokens"]
    number = next(i for i, t in enumerate(order_tokens) if t["text"] == ORDER_NO)
    order_row.get_by_test_id("action-relabel").click()
    form = order_row.get_by_test_id("relabel-form")
    form.get_by_test_id("relabel-intent").select_option("shipping_query")
    expect(form.get_by_test_id("edit-entity")).to_have_count(1)
    expect(form.get_by_test_id("edit-entity")).to_have_attribute("data-entity", "order_id")
    form.get_by_test_id("edit-entity-remove").click()
    expect(form.get_by_test_id("edit-entity")).to_have_count(0)
    expect(form.get_by_test_id("relabel-intent")).to_have_value("shipping_query")  # kept across redraws
    form.get_by_test_id("add-entity-type").select_option("order_id")
    form.get_by_test_id("add-entity-start").select_option(str(number))
    form.get_by_test_id("add-entity-end").select_option(str(number))
    form.get_by_test_id("add-entity").click()
    added = form.get_by_test_id("edit-entity")
    expect(added).to_have_count(1)
    expect(added).to_have_attribute("data-start", str(order_tokens[number]["start"]))
    expect(added).to_have_attribute("data-end", str(order_tokens[number]["end"]))
    expect(added.get_by_test_id("edit-entity-text")).to_contain_text(ORDER_NO)
    form.get_by_test_id("relabel-submit").click()
    expect(order_row).to_have_count(0)
    review = api_item(client, tokens, order["id"], status="reviewed")["review"]
    assert review["intent"] == "shipping_query"
    assert [(e["entity"], e["start"], e["end"]) for e in review["entities"]] == [
        ("order_id", ORDER_TEXT.index(ORDER_NO), ORDER_TEXT.index(ORDER_NO) + len(ORDER_NO))]

    # the export: the relabelled messages under their intents, as the API writes it
    page.get_by_test_id("export-button").click()
    export = page.get_by_test_id("export")
    expect(export).to_be_visible()
    expect(export).to_contain_text("- intent: product_query")
    text = export.text_content()
    assert "这个多少钱能便宜点吗" in examples_under(text, "product_query")
    assert f"订单号是[{ORDER_NO}](order_id)什么时候发货" in examples_under(text, "shipping_query")
    api_export = client.get("/api/shops/wuhan/review/export", headers=auth(tokens["supervisor-wuhan"]))
    assert text == api_export.text
    expect(page.get_by_test_id("export-download")).to_be_visible()
    screenshot(page, "review-export")


def test_confirm_dismiss_filters_and_counts(page: Any, client: TestClient,
                                            tokens: Dict[str, str]) -> None:
    confirm = queued(client, tokens, "什么时候发货")
    dismiss = queued(client, tokens, "我要退货")
    hostile = queued(client, tokens, "&lt;b&gt;急&lt;/b&gt;怎么退货")  # markup itself is refused
    counts = review_items(client, tokens)["counts"]

    open_review(page, tokens)
    expect(row(page, confirm["id"])).to_be_visible()
    chips = page.get_by_test_id("reason-chip")
    expect(chips.get_by_test_id("reason-count")).to_have_text(
        [str(counts[r]) for r in ("low_confidence", "fallback", "rejected", "corrected", "edited")])

    # data is text, never markup
    hostile_row = row(page, hostile["id"])
    expect(hostile_row.get_by_test_id("message-text")).to_have_text("&lt;b&gt;急&lt;/b&gt;怎么退货")
    expect(hostile_row.locator("b")).to_have_count(0)

    # a reason chip filters the queue (and again clears it)
    page.locator('[data-testid="reason-chip"][data-reason="rejected"]').click()
    expect(page.get_by_test_id("filter-reason")).to_have_value("rejected")
    rejected = review_items(client, tokens, reason="rejected")["items"]
    expect(page.get_by_test_id("review-item")).to_have_count(len(rejected))
    page.locator('[data-testid="reason-chip"][data-reason="rejected"]').click()
    expect(page.get_by_test_id("filter-reason")).to_have_value("")

    # confirm and dismiss: both leave the open queue, the counts follow
    row(page, confirm["id"]).get_by_test_id("action-confirm").click()
    expect(row(page, confirm["id"])).to_have_count(0)
    rejected_count = page.locator('[data-testid="reason-chip"][data-reason="rejected"]').get_by_test_id(
        "reason-count")
    expect(rejected_count).to_have_text(str(counts["rejected"] - 1))
    row(page, dismiss["id"]).get_by_test_id("action-dismiss").click()
    expect(row(page, dismiss["id"])).to_have_count(0)
    expect(rejected_count).to_have_text(str(counts["rejected"] - 2))
    assert api_item(client, tokens, confirm["id"], "reviewed")["review"]["status"] == "confirmed"
    assert api_item(client, tokens, dismiss["id"], "reviewed")["review"]["status"] == "dismissed"

    # status=all shows decided messages with their review
    page.get_by_test_id("filter-status").select_option("all")
    result = row(page, confirm["id"]).get_by_test_id("review-result")
    expect(result).to_have_attribute("data-status", "confirmed")
    expect(result.get_by_test_id("review-intent")).to_have_attribute("data-intent", confirm["intent"])
    expect(result).to_contain_text("supervisor-wuhan")
    expect(row(page, dismiss["id"]).get_by_test_id("review-result")).to_have_attribute(
        "data-status", "dismissed")
    expect(row(page, hostile["id"])).to_be_visible()
    expect(row(page, hostile["id"]).get_by_test_id("review-result")).to_have_count(0)

    # status=reviewed and an intent filter
    page.get_by_test_id("filter-status").select_option("reviewed")
    expect(row(page, hostile["id"])).to_have_count(0)
    expect(row(page, confirm["id"])).to_be_visible()
    page.get_by_test_id("filter-intent").select_option(confirm["intent"])
    expect(row(page, confirm["id"])).to_be_visible()
    expected = review_items(client, tokens, status="reviewed", intent=confirm["intent"])["items"]
    expect(page.get_by_test_id("review-item")).to_have_count(len(expected))
    assert set(attributes(page.get_by_test_id("message-intent"), "data-intent")) == {confirm["intent"]}


def test_agent_sees_the_permission_error(page: Any, tokens: Dict[str, str]) -> None:
    open_review(page, tokens, "agent-wuhan")
    error = page.get_by_test_id("permission-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("没有权限")
    expect(error).to_contain_text("agent-wuhan")
    expect(page.get_by_test_id("review-item")).to_have_count(0)
    expect(page.get_by_test_id("retrain-panel")).to_be_hidden()


def test_token_box_when_signed_out(page: Any, client: TestClient, tokens: Dict[str, str]) -> None:
    message = queued(client, tokens, "能开发票吗")
    page.goto("/review")
    expect(page.get_by_test_id("login-box")).to_be_visible()
    page.get_by_test_id("token-input").fill("not-a-token")
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("401")
    page.get_by_test_id("token-input").fill(tokens["supervisor-wuhan"])
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("me-name")).to_contain_text("supervisor-wuhan")
    expect(row(page, message["id"])).to_be_visible()
    expect(page.get_by_test_id("topnav").get_by_role("link")).to_have_text(["控制台", "审核", "数据"])


def test_retrain_progress_and_before_after_report(page: Any, tokens: Dict[str, str]) -> None:
    """The panel against a scripted models API (real training takes minutes: another test)."""
    report = {
        "before": {"model": "assistant.tar.gz", "examples": 120, "accuracy": 0.9, "macro_f1": 0.88},
        "after": {"model": "candidate-77.tar.gz", "examples": 120, "accuracy": 0.925, "macro_f1": 0.905},
        "macro_f1_delta": 0.025,
        "per_intent": [
            {"intent": "bargain", "support": 10, "before": 0.8, "after": 0.9, "delta": 0.1},
            {"intent": "product_query", "support": 12, "before": 0.85, "after": 0.8, "delta": -0.05},
            {"intent": "refund", "support": 9, "before": 1.0, "after": 1.0, "delta": 0.0},
        ]}
    job = {"id": 77, "status": "training", "progress": "training with 3 reviewed examples", "model": None,
           "examples_added": 3, "report": None, "requested_by": "supervisor-wuhan", "decided_by": None,
           "created_at": "2026-11-23T06:00:00+00:00", "decided_at": None}
    served = {"model": "assistant.tar.gz"}
    calls: List[str] = []

    def models_api(route: Route) -> None:
        request = route.request
        path = re.sub(r"^https?://[^/]+", "", request.url)
        calls.append(f"{request.method} {path}")
        if request.method == "GET" and path == "/api/models/77":
            job.update(status="ready", progress="ready: macro-F1 0.880 → 0.905",
                       model="candidate-77.tar.gz", report=report)
        elif request.method == "POST" and path == "/api/models/77/activate":
            job.update(status="active", decided_by="supervisor-wuhan")
            served["model"] = "candidate-77.tar.gz"
        body = ({"serving": served["model"], "versions": [job]} if path == "/api/models" else job)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route(re.compile(r".*/api/models(/.*)?$"), models_api)
    login(page, tokens["admin"], "/review")  # retrain and activate are admin actions
    status = page.get_by_test_id("retrain-status")
    expect(status).to_have_attribute("data-status", "training")
    expect(page.get_by_test_id("retrain-progress")).to_have_text("training with 3 reviewed examples")
    expect(page.get_by_test_id("retrain-button")).to_be_disabled()

    expect(status).to_have_attribute("data-status", "ready", timeout=10_000)  # polled every 2 s
    expect(page.get_by_test_id("report-row")).to_have_count(3)
    macro = page.get_by_test_id("report-macro")
    expect(macro.get_by_test_id("before")).to_have_text("0.880")
    expect(macro.get_by_test_id("after")).to_have_text("0.905")
    expect(macro.get_by_test_id("delta")).to_have_text("+0.025")
    expect(page.get_by_test_id("report-accuracy").get_by_test_id("delta")).to_have_text("+0.025")
    deltas = page.get_by_test_id("report-delta")
    expect(deltas).to_have_text(["+0.100", "−0.050", "±0.000"])
    assert attributes(deltas, "class") == ["num delta-up", "num delta-down", "num delta-zero"]
    expect(page.get_by_test_id("serving-model")).to_have_text("assistant.tar.gz")

    page.get_by_test_id("activate-button").click()
    expect(status).to_have_attribute("data-status", "active")
    expect(page.get_by_test_id("serving-model")).to_have_text("candidate-77.tar.gz")
    expect(page.get_by_test_id("activate-button")).to_have_count(0)
    assert "POST /api/models/77/activate" in calls
    assert not any(c.startswith("POST /api/models/retrain") for c in calls)
