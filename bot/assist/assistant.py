"""Rasa, in process: NLU, dialogue rules and the custom actions (over HTTP).

``Assistant.respond`` parses the message once, hands the parse to Rasa's
dialogue (tracker and lock in Redis when configured), and collects the
suggestion payload that the action sends back. When the dialogue side fails
(Redis down, action server unreachable) it still answers: suggestions computed
here from the NLU result and the order store, flagged ``degraded`` with the
reason. Both recover by themselves: every turn tries the full path first.

Any text is answered: the NLU and the dialogue read the bounded view of a long
message (``nlu_view``), and should the NLU itself fail on some text, the turn
goes on as ``nlu_fallback`` (degraded, with the reason), so the message is
still stored.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

from sqlalchemy.exc import SQLAlchemyError

from bot.nlu.parser import nlu_view
from bot.store.runtime import sessions
from bot.suggest.context import Turn, turn_time
from bot.suggest.engine import suggest

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """One buyer message understood and answered with suggestions."""

    parse: Dict[str, Any]
    payload: Dict[str, Any]
    degraded: bool = False
    reason: Optional[str] = None
    stores: Dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RasaSettings:
    model_path: Path
    action_server_url: str
    endpoints_file: Path
    redis_url: Optional[str] = None
    tracker_ttl_seconds: int = 7 * 24 * 3600
    tracker_max_events: int = 30
    action_timeout_seconds: float = 10.0


def _redis_env(url: str) -> Dict[str, str]:
    from urllib.parse import urlparse

    parts = urlparse(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"REDIS_URL must look like redis://host:6379/0, got {url!r}")
    db = (parts.path or "/0").lstrip("/") or "0"
    return {"REDIS_HOST": parts.hostname, "REDIS_PORT": str(parts.port or 6379), "REDIS_DB": db}


def read_endpoints(settings: RasaSettings) -> Any:
    """endpoints.yml with its ${VARS} taken from the settings; Redis stores only with REDIS_URL."""
    from rasa.core.utils import AvailableEndpoints

    env = {"ACTION_SERVER_URL": settings.action_server_url,
           "TRACKER_TTL_SECONDS": str(settings.tracker_ttl_seconds),
           "TRACKER_MAX_EVENTS": str(settings.tracker_max_events),
           "REDIS_HOST": "localhost", "REDIS_PORT": "6379", "REDIS_DB": "0"}
    if settings.redis_url:
        env.update(_redis_env(settings.redis_url))
    os.environ.update(env)
    endpoints = AvailableEndpoints.read_endpoints(str(settings.endpoints_file))
    if not settings.redis_url:
        endpoints.tracker_store = None
        endpoints.lock_store = None
    return endpoints


class Assistant:
    """A loaded Rasa model plus its stores; swap ``agent`` to change models."""

    def __init__(self, agent: Any, settings: RasaSettings, model_path: Optional[Path] = None) -> None:
        self.agent = agent
        self.settings = settings
        self.model_path = model_path or settings.model_path

    @classmethod
    async def load(cls, settings: RasaSettings, model_path: Optional[Path] = None) -> Assistant:
        from rasa.core.agent import load_agent

        from bot.assist import rasa_speedups

        rasa_speedups.install()
        path = model_path or settings.model_path
        if not path.exists():
            raise FileNotFoundError(f"no trained model at {path} (run: make train)")
        agent = await load_agent(model_path=str(path), endpoints=read_endpoints(settings))
        if not agent.is_ready():
            raise RuntimeError(f"could not load the model {path}")
        return cls(agent, settings, path)

    async def swap(self, path: Path) -> None:
        """Answer with another model from now on. It loads in a worker thread while turns
        go on with the current one; the switch itself is one assignment inside Rasa's
        agent (same tracker and lock stores, same action server)."""
        if not path.exists():
            raise FileNotFoundError(f"no model at {path}")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.agent.load_model, str(path))
        self.model_path = path
        logger.warning("now answering with model %s", path)

    def describe_stores(self) -> Dict[str, str]:
        store = self.agent.tracker_store
        store = getattr(store, "_tracker_store", store)  # Rasa wraps it in a FailSafeTrackerStore
        tracker = type(store).__name__
        lock = type(self.agent.lock_store).__name__
        where = self.settings.redis_url or "this process's memory (REDIS_URL not set)"
        return {"tracker_store": tracker, "lock_store": lock, "location": where,
                "model": self.model_path.name}

    async def parse(self, text: str) -> Dict[str, Any]:
        return await self.agent.parse_message(text)

    async def respond(self, text: str, sender_id: str, metadata: Dict[str, Any],
                      remembered_order: Optional[str] = None) -> Outcome:
        from rasa.core.channels import CollectingOutputChannel, UserMessage

        text = nlu_view(text)
        try:
            parse = await self.parse(text)
        except Exception as e:  # no text may stop a turn: answer it as out of scope
            logger.exception("NLU failed on a message of %s", sender_id)
            parse = fallback_parse(text)
            return self._local(parse, metadata, remembered_order,
                               f"the NLU failed on this text ({type(e).__name__})")
        channel = CollectingOutputChannel()
        try:
            message = UserMessage(text, channel, sender_id, parse_data=parse, metadata=metadata)
            await asyncio.wait_for(self.agent.handle_message(message),
                                   self.settings.action_timeout_seconds)
        except asyncio.TimeoutError:
            reason = f"no answer within {self.settings.action_timeout_seconds:g} s"
            logger.warning("degraded turn for %s: %s", sender_id, reason)
            return self._local(parse, metadata, remembered_order, reason)
        except Exception as e:  # Redis (tracker or lock store) unreachable, most often
            reason = f"conversation state unavailable ({type(e).__name__}: {e})"
            logger.warning("degraded turn for %s: %s", sender_id, reason)
            return self._local(parse, metadata, remembered_order, reason)
        payloads = [m["custom"] for m in channel.messages if isinstance(m.get("custom"), dict)]
        if not payloads:
            reason = "the action server did not answer"
            logger.warning("degraded turn for %s: %s", sender_id, reason)
            return self._local(parse, metadata, remembered_order, reason)
        return Outcome(parse, payloads[-1])

    def _local(self, parse: Dict[str, Any], metadata: Dict[str, Any],
               remembered_order: Optional[str], reason: str) -> Outcome:
        """Suggestions from the NLU result and the order store alone (no dialogue state)."""
        turn = Turn(shop_id=metadata["shop_id"], intent=(parse.get("intent") or {}).get("name")
                    or "nlu_fallback", text=parse.get("text") or "",
                    entities=list(parse.get("entities") or []), buyer_id=metadata.get("buyer_id"),
                    order_id=remembered_order,
                    now=turn_time(metadata.get("now")))
        try:
            with sessions()() as session:
                payload = suggest(session, turn).payload()
        except SQLAlchemyError as e:
            logger.error("order store unavailable: %s", e)
            payload = {"suggestions": [], "error": "order store unavailable"}
        return Outcome(parse, payload, degraded=True, reason=reason)


def fallback_parse(text: str) -> Dict[str, Any]:
    """A parse that says nothing was understood (Rasa's shape)."""
    intent = {"name": "nlu_fallback", "confidence": 1.0}
    return {"text": text, "intent": intent, "intent_ranking": [dict(intent)], "entities": []}


async def probe_action_server(url: str, timeout: float = 2.0) -> str:
    """'ok' or why not, from the action server's /health."""
    import aiohttp

    health = url.rsplit("/webhook", 1)[0] + "/health"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as s:
            async with s.get(health) as response:
                return "ok" if response.status == 200 else f"HTTP {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
        return f"unreachable ({type(e).__name__})"


def probe_redis(url: Optional[str]) -> str:
    if not url:
        return "not configured (in-memory stores)"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except redis.RedisError as e:
        return f"unreachable ({type(e).__name__})"
