"""Supervisors' metrics through the API: figures add up after messages, approvals and
rejections at known (injected) times; only supervisors of the shop and admins see them.

The data goes in on days no other test uses, so the figures are exact although the
database is shared by the whole package."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Dict

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import SHANGHAI, Clock, auth, new_id, send

DAY = dt.datetime(2031, 3, 17, tzinfo=SHANGHAI)


def at(hour: int, minute: int = 0, second: int = 0, day: int = 0) -> dt.datetime:
    return DAY + dt.timedelta(days=day, hours=hour, minutes=minute, seconds=second)


def message(client: TestClient, headers: Dict[str, str], clock: Clock, when: dt.datetime,
            text: str) -> Dict[str, Any]:
    clock.set(when)
    response = send(client, headers, new_id(), text)
    assert response.status_code in (200, 201), response.text
    return response.json()


def decide(client: TestClient, headers: Dict[str, str], clock: Clock, when: dt.datetime,
           suggestion: int, action: str, body: Any = None) -> None:
    clock.set(when)
    response = client.post(f"/api/shops/wuhan/suggestions/{suggestion}/{action}", json=body,
                           headers=headers)
    assert response.status_code in (200, 201), response.text


@pytest.fixture(scope="module")
def scenario(client: TestClient, tokens: Dict[str, str], clock: Clock) -> Dict[str, Any]:
    """Two local days: one off-hours message on the first, four messages on the second
    (approved after 45 s, edited after 90 s, rejected, and one more off-hours); the
    agent then marks the first message handled and skips the last one."""
    agent = auth(tokens["agent-wuhan"])
    sent = [message(client, agent, clock, at(23, 59, day=-1), "在吗")]
    first = message(client, agent, clock, at(10), "什么时候发货")
    decide(client, agent, clock, at(10, 0, 45), first["message"]["suggestions"][0]["id"], "approve")
    second = message(client, agent, clock, at(10, 1), "我要退货")
    option = second["message"]["suggestions"][0]
    decide(client, agent, clock, at(10, 2, 30), option["id"], "approve",
           {"text": option["text"] + "有问题随时联系我们哦"})
    third = message(client, agent, clock, at(10, 3), "能便宜点吗")
    decide(client, agent, clock, at(10, 3, 10), third["message"]["suggestions"][0]["id"], "reject",
           {"correct_intent": "product_query"})
    sent += [first, second, third, message(client, agent, clock, at(23, 45), "还没发货吗")]
    clock.set(at(23, 46))
    for body, action in ((sent[0], "handled"), (sent[-1], "skip")):
        m = body["message"]
        settled = client.post(f"/api/shops/wuhan/conversations/{m['conversation_id']}/messages/"
                              f"{m['id']}/{action}", json={"note": "已电话处理"}, headers=agent)
        assert settled.status_code == 200, settled.text
    clock.set(at(23, 50))
    return {"intents": [body["message"]["intent"] for body in sent],
            "auto": [body["auto_reply"] is not None for body in sent]}


def metrics(client: TestClient, token: str, days: int = 2, shop: str = "wuhan") -> Any:
    return client.get(f"/api/shops/{shop}/metrics", params={"days": days}, headers=auth(token))


def test_the_figures_add_up(client: TestClient, tokens: Dict[str, str], clock: Clock,
                            scenario: Dict[str, Any]) -> None:
    clock.set(at(23, 50))
    response = metrics(client, tokens["supervisor-wuhan"])
    assert response.status_code == 200, response.text
    m = response.json()
    assert m["days"] == ["2031-03-16", "2031-03-17"] and m["timezone"] == "Asia/Shanghai"
    assert m["messages_per_day"] == [1, 4]
    assert scenario["auto"] == [True, False, False, False, True]
    assert m["offhours_auto_replies"] == [1, 1]
    assert m["totals"] == {"messages": 5, "replies": 2, "auto_replies": 2, "decided": 3,
                           "acceptance_rate": 0.6667, "handled": 1, "skipped": 1}
    assert m["per_agent"] == [{"agent": "agent-wuhan", "replies": 2, "approved": 1, "edited": 1,
                               "free_text": 0, "rejected": 1, "handled": 1, "skipped": 1,
                               "acceptance_rate": 0.6667}]
    times = m["reply_time"]
    assert (times["answered"], times["p50"], times["p90"]) == (2, 67.5, 85.5)
    assert times["p50_per_day"] == [None, 67.5]
    assert times["per_agent"] == [{"agent": "agent-wuhan", "replies": 2, "p50": 67.5}]
    counted: Dict[str, int] = {}
    for intent in scenario["intents"]:
        counted[intent or "unknown"] = counted.get(intent or "unknown", 0) + 1
    assert {k: sum(v) for k, v in m["intents_by_day"].items()} == counted
    rows = {r["intent"]: r for r in m["per_intent"]}
    assert {k: r["messages"] for k, r in rows.items()} == counted
    assert sum(r["approved"] for r in rows.values()) == 1
    assert sum(r["edited"] for r in rows.values()) == 1
    assert sum(r["rejected"] for r in rows.values()) == 1
    intents = scenario["intents"]
    assert rows[intents[2]]["edited"] >= 1 and rows[intents[3]]["rejected"] >= 1
    fallbacks = intents.count("nlu_fallback")
    assert m["fallback_rate"]["overall"] == round(fallbacks / 5, 4)


def test_one_day_is_today_only(client: TestClient, tokens: Dict[str, str], clock: Clock,
                               scenario: Dict[str, Any]) -> None:
    clock.set(at(23, 50))
    m = metrics(client, tokens["admin"], days=1).json()
    assert m["days"] == ["2031-03-17"] and m["totals"]["messages"] == 4
    assert m["offhours_auto_replies"] == [1]


def test_agents_and_other_shops_supervisors_are_refused(client: TestClient, tokens: Dict[str, str],
                                                        scenario: Dict[str, Any]) -> None:
    refused = metrics(client, tokens["agent-wuhan"])
    assert refused.status_code == 403 and "supervisors only" in refused.json()["detail"]
    name = f"supervisor-sh-{uuid.uuid4().hex[:6]}"
    created = client.post("/api/users", json={"name": name, "role": "supervisor", "shops": ["shanghai"]},
                          headers=auth(tokens["admin"]))
    assert created.status_code == 201, created.text
    other = created.json()["token"]
    assert metrics(client, other).status_code == 403
    assert metrics(client, other, shop="shanghai").status_code == 200
    assert client.get("/api/shops/wuhan/metrics").status_code == 401
    assert metrics(client, tokens["admin"], shop="nowhere").status_code == 404


def test_admins_get_every_shop(client: TestClient, tokens: Dict[str, str], clock: Clock,
                               scenario: Dict[str, Any]) -> None:
    clock.set(at(23, 50))
    response = client.get("/api/metrics/shops", params={"days": 2}, headers=auth(tokens["admin"]))
    assert response.status_code == 200, response.text
    shops = {row["shop_id"]: row for row in response.json()["shops"]}
    assert set(shops) == {"shanghai", "wuhan"}
    assert shops["wuhan"] == {"shop_id": "wuhan", "messages": 5, "replies": 2, "auto_replies": 2,
                              "decided": 3, "acceptance_rate": 0.6667, "handled": 1, "skipped": 1,
                              "fallback_rate": metrics(client, tokens["admin"]).json()[
                                  "fallback_rate"]["overall"], "reply_time_p50": 67.5}
    assert shops["shanghai"]["messages"] == 0
    for token in ("supervisor-wuhan", "agent-wuhan"):
        assert client.get("/api/metrics/shops", headers=auth(tokens[token])).status_code == 403


@pytest.mark.parametrize("days", [0, 91, 1000, -3])
def test_days_out_of_range(client: TestClient, tokens: Dict[str, str], days: int) -> None:
    assert metrics(client, tokens["supervisor-wuhan"], days=days).status_code == 422
    assert client.get("/api/metrics/shops", params={"days": days},
                      headers=auth(tokens["admin"])).status_code == 422
