"""The one patch of Rasa internals left: how a graph runs (about 0.6 ms of a ~3.7 ms parse).

Every graph run (one per parsed message) recomputes the minimal sub-graph for its
targets and hands it to dask's scheduler. Here the sub-graph is kept per runner and
targets, and run in dependency order in this thread, which is what dask's
synchronous scheduler does, with less bookkeeping.

It replaces a private method, so it is installed only on the exact Rasa release it
was written and tested against (``RASA_VERSION``): on any other, ``install`` refuses,
naming both versions. ``tests/bot/test_rasa_speedups.py`` checks that it returns what
Rasa's own runner returns.

(The three other patches of earlier releases — the action-response check, event class
lookup and HTTP sessions to the action server — were for a path the service no longer
takes: actions run in process, and the service keeps no Rasa tracker.)
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import rasa
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

RASA_VERSION = "3.6.21"
_ORIGINAL_RUN = DaskGraphRunner.run


class WrongRasaVersion(RuntimeError):
    pass


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


def check_version(found: str = rasa.__version__) -> None:
    if found != RASA_VERSION:
        raise WrongRasaVersion(
            f"bot/assist/rasa_speedups.py patches Rasa {RASA_VERSION} internals, but Rasa "
            f"{found} is installed: install rasa=={RASA_VERSION} (requirements.lock), or "
            "check the patch against this release and update RASA_VERSION")


def install() -> None:
    check_version()
    DaskGraphRunner.run = _run  # type: ignore[method-assign]


def uninstall() -> None:
    DaskGraphRunner.run = _ORIGINAL_RUN  # type: ignore[method-assign]
