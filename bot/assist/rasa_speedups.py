"""Rasa 3.6 checks every action server response with ``jsonschema.validate``, which
first re-validates the (constant) schema against its meta-schema: about 15 ms of a
~25 ms turn. ``install`` keeps the same check but compiles the schema once, and
answers valid responses with the compiled Rust validator (jsonschema-rs); an
invalid response still gets jsonschema's own error, as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _fast() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(RemoteAction.action_response_format_spec())


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not on every response
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    if _fast().is_valid(result):
        return True
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (". Failed to validate Action server response from API, make sure your "
                      "response from the Action endpoint is valid.")
        raise e


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def uninstall() -> None:
    RemoteAction._validate_action_result = _ORIGINAL  # type: ignore[method-assign]
