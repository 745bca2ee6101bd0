"""Supervisors' review queue and metrics, and who may see what: tokens in the header
only, agents in their own shop only, supervisor pages refused to agents."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest
import yaml
from fastapi.testclient import TestClient

from bot.store import runtime
from bot.store.service_models import User
from tests.api_fast.conftest import SHANGHAI, Clock, auth, message, new_id, send


def queue(client: TestClient, headers: Dict[str, str], **params: str) -> Dict:
    response = client.get("/api/shops/wuhan/review", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def queued_ids(client: TestClient, headers: Dict[str, str], **params: str) -> List[int]:
    return [i["message"]["id"] for i in queue(client, headers, **params)["items"]]


def review(client: TestClient, headers: Dict[str, str], message_id: int, **body: Any) -> Any:
    return client.post(f"/api/shops/wuhan/review/{message_id}", json=body, headers=headers)


def exported(client: TestClient, headers: Dict[str, str]) -> Dict[str, str]:
    """intent → its examples, from the shop's training-data export."""
    response = client.get("/api/shops/wuhan/review/export", headers=headers)
    assert response.status_code == 200, response.text
    data = yaml.safe_load(response.text) or {}
    return {block["intent"]: block["examples"] for block in data.get("nlu", [])}


# -- the review queue -------------------------------------------------------------------

def test_a_low_confidence_message_is_queued_and_a_confident_one_is_not(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str]) -> None:
    unsure = message(client, agent, "这件外套能便宜点吗")
    sure = message(client, agent, "外套什么时候发货")
    body = queue(client, supervisor)
    item = next(i for i in body["items"] if i["message"]["id"] == unsure["id"])
    assert item["reasons"] == ["low_confidence"]
    assert (item["message"]["intent"], item["message"]["confidence"]) == ("bargain", 0.52)
    assert item["suggestion"]["id"] == unsure["suggestions"][0]["id"]
    assert sure["id"] not in [i["message"]["id"] for i in body["items"]]
    assert body["counts"]["low_confidence"] >= 1


def test_a_message_nothing_understood_is_queued_as_fallback(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str]) -> None:
    m = message(client, agent, "你们老板今天心情好吗哈哈哈")
    assert m["intent"] == "nlu_fallback" and m["suggestions"]
    assert m["id"] in queued_ids(client, supervisor, reason="fallback")
    assert m["id"] not in queued_ids(client, supervisor, reason="low_confidence")


def test_confirm_takes_the_message_off_the_queue_into_the_training_data(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str]) -> None:
    m = message(client, agent, "羊毛衫可以便宜一点不")
    done = review(client, supervisor, m["id"], action="confirm")
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["intent"], done.json()["reviewer"]) == (
        "confirmed", "bargain", "supervisor-wuhan")
    assert m["id"] not in queued_ids(client, supervisor)
    assert m["id"] in queued_ids(client, supervisor, status="reviewed")
    assert "羊毛衫可以便宜一点不" in exported(client, supervisor)["bargain"]


def test_relabel_changes_the_intent_the_example_is_exported_with(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str]) -> None:
    text = "这条裤子便宜的那款是什么面料"
    m = message(client, agent, text)
    bad = review(client, supervisor, m["id"], action="relabel", intent="no_such_intent")
    assert bad.status_code == 422 and "relabel needs an intent" in bad.json()["detail"]
    assert m["id"] in queued_ids(client, supervisor)
    done = review(client, supervisor, m["id"], action="relabel", intent="product_query")
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["intent"]) == ("relabelled", "product_query")
    examples = exported(client, supervisor)
    assert text in examples["product_query"]
    assert text not in examples.get("bargain", "")


def test_dismiss_takes_the_message_off_the_queue_and_out_of_the_export(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str]) -> None:
    text = "嗯嗯嗯嗯嗯嗯好的好的啦"
    m = message(client, agent, text)
    assert m["id"] in queued_ids(client, supervisor, reason="fallback")
    done = review(client, supervisor, m["id"], action="dismiss")
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    assert m["id"] not in queued_ids(client, supervisor)
    assert text not in client.get("/api/shops/wuhan/review/export", headers=supervisor).text


def test_the_review_queue_is_for_supervisors_of_the_shop_only(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str],
        tokens: Dict[str, str]) -> None:
    m = message(client, agent, "能再便宜些吗")
    listing = client.get("/api/shops/wuhan/review", headers=agent)
    assert listing.status_code == 403 and listing.json()["detail"] == "supervisors only"
    assert review(client, agent, m["id"], action="dismiss").status_code == 403
    assert m["id"] in queued_ids(client, supervisor)  # the agent changed nothing
    assert client.get("/api/shops/shanghai/review", headers=supervisor).status_code == 403
    other = message(client, auth(tokens["agent-shanghai"]), "能便宜点吗", shop="shanghai",
                    buyer="shanghai-none")
    assert review(client, supervisor, other["id"], action="dismiss").status_code == 404


# -- metrics --------------------------------------------------------------------------

METRICS_DAY = dt.datetime(2031, 3, 17, 10, 0, tzinfo=SHANGHAI)  # no other test uses it


def test_the_dashboard_counts_the_message_and_the_approval(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str],
        clock: Clock) -> None:
    def figures() -> Dict:
        response = client.get("/api/shops/wuhan/metrics", params={"days": 1}, headers=supervisor)
        assert response.status_code == 200, response.text
        return response.json()

    clock.set(METRICS_DAY)
    before = figures()
    assert before["days"] == ["2031-03-17"]
    assert (before["totals"]["messages"], before["totals"]["replies"]) == (0, 0)
    m = message(client, agent, "今天能发货吗")
    clock.set(METRICS_DAY + dt.timedelta(seconds=10))  # the window ends now, exclusive
    after_message = figures()
    assert after_message["totals"]["messages"] == 1 and after_message["totals"]["replies"] == 0
    assert after_message["messages_per_day"] == [1]
    clock.set(METRICS_DAY + dt.timedelta(seconds=40))
    sent = client.post(f"/api/shops/wuhan/suggestions/{m['suggestions'][0]['id']}/approve",
                       headers=agent)
    assert sent.status_code == 201, sent.text
    clock.set(METRICS_DAY + dt.timedelta(minutes=1))
    after = figures()
    assert (after["totals"]["messages"], after["totals"]["replies"],
            after["totals"]["decided"], after["totals"]["acceptance_rate"]) == (1, 1, 1, 1.0)
    agents = {row["agent"]: row for row in after["per_agent"]}
    assert (agents["agent-wuhan"]["approved"], agents["agent-wuhan"]["replies"]) == (1, 1)
    assert after["reply_time"]["p50"] == 40


def test_metrics_are_refused_to_agents_and_without_a_token(
        client: TestClient, agent: Dict[str, str], supervisor: Dict[str, str]) -> None:
    refused = client.get("/api/shops/wuhan/metrics", headers=agent)
    assert refused.status_code == 403 and "supervisors only" in refused.json()["detail"]
    assert client.get("/api/shops/wuhan/metrics").status_code == 401
    assert client.get("/api/shops/wuhan/metrics", headers=supervisor).status_code == 200
    assert client.get("/api/shops/shanghai/metrics", headers=supervisor).status_code == 403


# -- authentication and shops ---------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"},
                                     {"Authorization": "Basic abc"}],
                         ids=["none", "unknown", "not-bearer"])
def test_requests_without_a_valid_token_are_401(client: TestClient, agent: Dict[str, str],
                                                headers: Dict[str, str]) -> None:
    assert client.get("/api/shops/wuhan/conversations", headers=agent).status_code == 200
    response = client.get("/api/shops/wuhan/conversations", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    posted = send(client, headers, new_id(), "在吗")
    assert posted.status_code == 401


def test_an_agent_of_another_shop_is_refused_403(client: TestClient, agent: Dict[str, str],
                                                 tokens: Dict[str, str]) -> None:
    m = message(client, agent, "什么时候发货")
    conversation, suggestion = m["conversation_id"], m["suggestions"][0]["id"]
    other = auth(tokens["agent-shanghai"])
    for method, path in (("get", "/api/shops/wuhan/conversations"),
                         ("get", f"/api/shops/wuhan/conversations/{conversation}"),
                         ("get", f"/api/shops/wuhan/conversations/{conversation}/orders"),
                         ("post", f"/api/shops/wuhan/suggestions/{suggestion}/approve")):
        response = client.request(method, path, headers=other)
        assert response.status_code == 403, path
        assert "does not work for shop 'wuhan'" in response.json()["detail"], path
    assert send(client, other, new_id(), "在吗").status_code == 403
    assert client.get(f"/api/shops/wuhan/conversations/{conversation}/replies",
                      headers=agent).json()["replies"] == []


def test_another_shops_data_is_not_visible_through_ones_own_shop(
        client: TestClient, agent: Dict[str, str], tokens: Dict[str, str]) -> None:
    m = message(client, agent, "什么时候发货")
    conversation, suggestion = m["conversation_id"], m["suggestions"][0]["id"]
    other = auth(tokens["agent-shanghai"])
    assert client.get(f"/api/shops/shanghai/conversations/{conversation}",
                      headers=other).status_code == 404
    approve = client.post(f"/api/shops/shanghai/suggestions/{suggestion}/approve", headers=other)
    assert approve.status_code == 404
    listing = client.get("/api/shops/shanghai/conversations", headers=other)
    assert listing.status_code == 200
    assert conversation not in [c["id"] for c in listing.json()["conversations"]]
    queue_ids = [i["message"]["id"] for i in client.get(
        "/api/shops/shanghai/review", params={"status": "all"},
        headers=auth(tokens["supervisor-shanghai"])).json()["items"]]
    assert m["id"] not in queue_ids
    wuhan_view = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent).json()
    assert wuhan_view["timeline"][0]["suggestions"][0]["status"] == "pending"


@pytest.mark.parametrize("name", ["token", "access_token"])
def test_a_token_in_the_url_is_refused_even_with_a_valid_header(
        client: TestClient, tokens: Dict[str, str], name: str) -> None:
    admin = tokens["admin"]
    assert client.get("/api/me", headers=auth(admin)).status_code == 200
    response = client.get("/api/me", params={name: admin}, headers=auth(admin))
    assert response.status_code == 401
    assert "tokens go in the Authorization header" in response.json()["detail"]
    new = {"name": f"agent-{new_id('u')}", "role": "agent", "shops": ["wuhan"]}
    created = client.post(f"/api/users?{name}={admin}", json=new, headers=auth(admin))
    assert created.status_code == 401
    with runtime.sessions()() as session:
        assert session.query(User).filter_by(name=new["name"]).count() == 0
