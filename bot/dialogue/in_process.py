"""The custom actions, run in this process by rasa-sdk's own ``ActionExecutor``.

``rasa run actions`` answers an action call by handing its JSON to
``ActionExecutor.run``; here the same executor gets the same call, built from the
understood message and the conversation's slots, without the HTTP hop, the domain
in every request or Rasa's re-validation of the answer (measured: README, "One
path for every message").

Rasa's and rasa-sdk's entry points are coroutines that never wait on anything for
this work (no I/O: the actions read the order store synchronously). ``run_sync``
drives them to completion on the calling thread's own event loop, so a turn runs
whole in one worker thread and the service's event loop is never blocked by it.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, Coroutine, Dict, List, Optional, TypeVar

from rasa_sdk.executor import ActionExecutor

from bot.dialogue.state import Slots

T = TypeVar("T")
_LOCAL = threading.local()


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on this thread's private event loop (a worker thread's:
    never call it on a thread whose loop is running)."""
    loop: Optional[asyncio.AbstractEventLoop] = getattr(_LOCAL, "loop", None)
    if loop is None or loop.is_closed():
        loop = _LOCAL.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)


@dataclass
class ActionResult:
    payload: Optional[Dict[str, Any]]   # the ``custom`` message the action sent (None: none)
    slots: Slots                        # the slots its SlotSet events changed


class InProcessActions:
    """The ``actions`` package as rasa-sdk registers it for ``rasa run actions``."""

    def __init__(self, package: str = "actions") -> None:
        self.executor = ActionExecutor()
        self.executor.register_package(package)

    @property
    def names(self) -> List[str]:
        return sorted(self.executor.actions)

    def run(self, action: str, message: Dict[str, Any], slots: Slots,
            sender_id: str) -> ActionResult:
        tracker = {"sender_id": sender_id, "slots": dict(slots), "latest_message": message,
                   "events": [], "paused": False, "followup_action": None,
                   "active_loop": {}, "latest_action_name": "action_listen"}
        response = run_sync(self.executor.run({"next_action": action, "sender_id": sender_id,
                                               "tracker": tracker, "domain": {}})) or {}
        customs = [r["custom"] for r in response.get("responses") or []
                   if isinstance(r.get("custom"), dict)]
        changed = {e["name"]: e.get("value") for e in response.get("events") or []
                   if e.get("event") == "slot"}
        return ActionResult(customs[-1] if customs else None, changed)
