"""The service's assistant: a trained Rasa model's NLU and the custom actions, in process.

``Assistant.understand`` parses a message with Rasa's NLU graph; ``Assistant.answer``
runs the intent's rasa-sdk action on it in the conversation's state
(``bot.dialogue.turn``). Both are synchronous and run on the calling (worker)
thread. ``swap`` changes models while turns go on.

Tests of everything but the NLU give an ``Assistant`` another ``Understands``
(``app.dependency_overrides[get_assistant]``): the actions stay real.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from bot.dialogue.in_process import InProcessActions, run_sync
from bot.dialogue.state import Slots
from bot.dialogue.turn import Outcome, Understands, answer, understand

logger = logging.getLogger(__name__)


class RasaNLU:
    """A loaded Rasa model's NLU graph (Rasa's Agent, without its dialogue stores)."""

    def __init__(self, agent: Any, path: Path) -> None:
        from rasa.shared.core.trackers import DialogueStateTracker

        self.agent, self.path = agent, path
        self._no_history = DialogueStateTracker.from_events("nlu", [])  # NLU reads no history

    @classmethod
    async def load(cls, path: Path) -> RasaNLU:
        from rasa.core.agent import load_agent

        from bot.assist import rasa_speedups

        rasa_speedups.install()
        if not path.exists():
            raise FileNotFoundError(f"no trained model at {path} (run: make train)")
        agent = await load_agent(model_path=str(path))
        if not agent.is_ready():
            raise RuntimeError(f"could not load the model {path}")
        return cls(agent, path)

    def parse(self, text: str) -> Dict[str, Any]:
        from rasa.core.channels import UserMessage

        processor = self.agent.processor
        return run_sync(processor.parse_message(UserMessage(text), tracker=self._no_history))

    async def swap(self, path: Path) -> None:
        """Answer with another model from now on: it loads in a worker thread while turns
        go on with the current one; the switch is one assignment inside Rasa's agent."""
        if not path.exists():
            raise FileNotFoundError(f"no model at {path}")
        await asyncio.get_running_loop().run_in_executor(None, self.agent.load_model, str(path))
        self.path = path
        logger.warning("now answering with model %s", path)


class Assistant:
    def __init__(self, nlu: Understands, actions: Optional[InProcessActions] = None,
                 model_path: Optional[Path] = None) -> None:
        self.nlu = nlu
        self.actions = actions or InProcessActions()
        self.model_path = model_path or getattr(nlu, "path", None)

    @classmethod
    async def load(cls, path: Path) -> Assistant:
        nlu = await RasaNLU.load(path)
        return cls(nlu, InProcessActions(), path)

    async def swap(self, path: Path) -> None:
        await self.nlu.swap(path)  # type: ignore[attr-defined]
        self.model_path = path

    def understand(self, text: str) -> Tuple[Dict[str, Any], Optional[str]]:
        return understand(self.nlu, text)

    def answer(self, parse: Dict[str, Any], slots: Slots, metadata: Dict[str, Any],
               sender_id: str, degraded: Optional[str] = None) -> Outcome:
        return answer(self.actions, parse, slots, metadata, sender_id, degraded)

    def describe(self) -> Dict[str, str]:
        return {"model": self.model_path.name if self.model_path else "(none)",
                "actions": "in process (rasa-sdk ActionExecutor)",
                "conversation_state": "the database (buyer_messages.slots)"}


def probe_redis(url: Optional[str]) -> str:
    if not url:
        return "not configured (in-memory)"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except redis.RedisError as e:
        return f"unreachable ({type(e).__name__})"
