"""The faster action-response check accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Iterator

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.assist import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "order_id", "value": "2398471029384756123"}],
        "responses": [{"custom": {"suggestions": []}}]}
BAD = [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": 5}]


@pytest.fixture
def action() -> Iterator[RemoteAction]:
    rasa_speedups.install()
    yield RemoteAction("action_suggest_shipping", EndpointConfig("http://127.0.0.1:1/webhook"))
    rasa_speedups.uninstall()


def test_valid_responses_pass(action: RemoteAction) -> None:
    assert action._validate_action_result(GOOD) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_fail_as_before(action: RemoteAction, result: Dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        action._validate_action_result(result)
    rasa_speedups.uninstall()
    with pytest.raises(ValidationError):  # Rasa's own check agrees
        action._validate_action_result(result)


@pytest.mark.parametrize("name, default", [("user", None), ("slot", None), ("bot", None),
                                           ("action", None), ("session_started", None)])
def test_event_classes_resolve_as_in_rasa(name: str, default: Any) -> None:
    expected = Event.resolve_by_type(name, default)
    rasa_speedups.install()
    try:
        assert Event.resolve_by_type(name, default) is expected
        assert Event.resolve_by_type(name, default) is expected  # cached
    finally:
        rasa_speedups.uninstall()


def test_unknown_event_names_behave_as_in_rasa() -> None:
    rasa_speedups.install()
    try:
        assert Event.resolve_by_type("topic") is None
        assert Event.resolve_by_type("nonsense", UserUttered) is UserUttered
        with pytest.raises(ValueError, match="Unknown event name"):
            Event.resolve_by_type("nonsense")
        events = [UserUttered("在吗", {"name": "greet"}), SlotSet("order_id", "1")]
        assert [Event.from_parameters(e.as_dict()) for e in events] == events
    finally:
        rasa_speedups.uninstall()


def test_action_calls_reuse_one_http_session_per_loop() -> None:
    async def scenario() -> None:
        endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
        async with endpoint.session() as first:
            pass
        async with endpoint.session() as second:
            pass
        assert first is second and not first.closed
        await rasa_speedups.close_sessions()
        assert first.closed
        async with endpoint.session() as third:
            assert third is not first and not third.closed
        await rasa_speedups.close_sessions()

    rasa_speedups.install()
    try:
        asyncio.run(scenario())
    finally:
        rasa_speedups.uninstall()


@pytest.mark.model
def test_graph_runs_give_rasas_results(parser: Any) -> None:
    texts = ["在吗", "订单号2398471029384756123什么时候发货", "165斤穿什么码", "质量太差了我要投诉",
             "能便宜点吗", "你们老板今天心情好吗"]
    expected = [parser.parse(t) for t in texts]
    rasa_speedups.install()
    try:
        assert [parser.parse(t) for t in texts] == expected
        assert [parser.parse(t) for t in texts] == expected  # kept sub-graphs, second run
    finally:
        rasa_speedups.uninstall()
