"""Two hot spots of a Rasa 3.6 turn, made cheap without changing behaviour.

* Every action server response is checked with ``jsonschema.validate``, which first
  re-validates the (constant) schema against its meta-schema: about 15 ms of a
  ~25 ms turn. Here the schema is compiled once, valid responses are answered by
  the compiled Rust validator (jsonschema-rs), and an invalid response still gets
  jsonschema's own error, as before.
* Every event read from the tracker store finds its class by walking all
  subclasses of ``Event`` (``Event.resolve_by_type``): most of the cost of loading
  a tracker. Here the walk is done once per event type name.
* Every call to the action server opens a new HTTP session and connection
  (``EndpointConfig.session``). Here one session per endpoint and event loop is
  kept, so connections are reused (same headers, auth and timeout as Rasa's).
* Every graph run (one parse, two policy predictions per turn) recomputes the
  minimal sub-graph for its targets and hands it to dask's scheduler. Here the
  sub-graph is kept per runner and targets, and run in dependency order in this
  thread, which is what dask's synchronous scheduler does, with less bookkeeping.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

import rasa.shared.utils.common
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

_ORIGINAL = RemoteAction._validate_action_result
_ORIGINAL_RESOLVE = Event.__dict__["resolve_by_type"]
_EVENT_CLASSES: Dict[str, Any] = {}
_ORIGINAL_SESSION = EndpointConfig.session
_ORIGINAL_RUN = DaskGraphRunner.run
_SESSIONS: Dict[Tuple[int, str], Any] = {}


class _Kept:
    """``async with`` over a kept session: leaving the block does not close it."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc: Any) -> bool:
        return False


def _session(self: EndpointConfig) -> Any:
    loop = asyncio.get_running_loop()
    key = (id(loop), self.url)
    session = _SESSIONS.get(key)
    if session is None or session.closed or getattr(session, "_loop", loop) is not loop:
        session = _SESSIONS[key] = _ORIGINAL_SESSION(self)
    return _Kept(session)


async def close_sessions() -> None:
    """Close the kept sessions of the running event loop (at shutdown)."""
    loop = asyncio.get_running_loop()
    for key in [k for k in _SESSIONS if k[0] == id(loop)]:
        await _SESSIONS.pop(key).close()


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


def _resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        found = next((cls for cls in rasa.shared.utils.common.all_subclasses(Event)
                      if cls.type_name == type_name), None)
        if found is None:  # unknown names keep Rasa's own answer (default, None or error)
            return _ORIGINAL_RESOLVE.__func__(type_name, default)
        _EVENT_CLASSES[type_name] = found
    return found


def _execute(graph: Dict[str, Any], targets: List[str]) -> List[Any]:
    """A dask graph's targets, each node computed once, dependencies first."""
    done: Dict[str, Any] = {}

    def get(key: str) -> Any:
        if key not in done:
            task = graph[key]
            if isinstance(task, tuple) and task and callable(task[0]):
                args = [get(a) if isinstance(a, str) and a in graph else a for a in task[1:]]
                done[key] = task[0](*args)
            else:
                done[key] = task
        return done[key]

    return [get(target) for target in targets]


def _run(self: DaskGraphRunner, inputs: Optional[Dict[str, Any]] = None,
         targets: Optional[List[str]] = None) -> Dict[str, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    graphs = self.__dict__.setdefault("_kept_graphs", {})
    base = graphs.get(tuple(run_targets))
    if base is None:
        schema = self._graph_schema.minimal_graph_schema(run_targets)
        base = graphs[tuple(run_targets)] = self._build_dask_graph(schema)
    graph = dict(base)
    if inputs:
        self._add_inputs_to_graph(inputs, graph)
    try:
        return dict(_execute(graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign]
    EndpointConfig.session = _session  # type: ignore[method-assign]
    DaskGraphRunner.run = _run  # type: ignore[method-assign]


def uninstall() -> None:
    RemoteAction._validate_action_result = _ORIGINAL  # type: ignore[method-assign]
    Event.resolve_by_type = _ORIGINAL_RESOLVE  # type: ignore[method-assign]
    EndpointConfig.session = _ORIGINAL_SESSION  # type: ignore[method-assign]
    DaskGraphRunner.run = _ORIGINAL_RUN  # type: ignore[method-assign]
    _EVENT_CLASSES.clear()
