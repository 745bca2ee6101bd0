"""The faster action-response check accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
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
