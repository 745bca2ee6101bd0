"""Rasa tracker and lock stores on Redis with a bounded history.

Rasa's own ``RedisTrackerStore`` keeps every event of a conversation and, on each
save, reads, merges and rewrites all of them: a long conversation gets slower on
every turn. The assistant needs only the recent turns (rules look at the last few
events; the order number lives in a slot), and the conversation of record is kept
by the service in SQL. So this store keeps at most ``max_events`` events: the
tail from a user turn on, after a head that restores the current slot values.

What it writes is masked (``masked_dialogue``): buyer texts, the entity values that
are personal data, and the assistant's messages. Within a turn Rasa and the actions
work on the tracker in memory, unmasked; what a later turn reads back from Redis is
the intents, the slots (order number, shop, buyer: not personal data) and masked texts.

Configured from ``endpoints.yml`` (values come from environment variables, hence
the conversions below).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.privacy import mask, pii_spans

DEFAULT_MAX_EVENTS = 30


def bounded(tracker: DialogueStateTracker, max_events: int) -> DialogueStateTracker:
    """The tracker cut to its last ``max_events`` events, starting at a user turn.

    The head restores every slot's current value, so what the assistant
    remembers (order number, shop, buyer) survives the cut.
    """
    events: List[Event] = list(tracker.events)
    if len(events) <= max_events:
        return tracker
    cut = next((i for i in range(len(events) - max_events, len(events))
                if isinstance(events[i], UserUttered)), None)
    if cut is None:
        return tracker
    stamp = events[cut].timestamp
    head: List[Event] = [ActionExecuted("action_session_start", timestamp=stamp),
                         SessionStarted(timestamp=stamp)]
    head += [SlotSet(name, slot.value, timestamp=stamp)
             for name, slot in tracker.slots.items() if slot.value is not None]
    head.append(ActionExecuted("action_listen", timestamp=stamp))
    return DialogueStateTracker.from_events(tracker.sender_id, head + events[cut:],
                                            slots=list(tracker.slots.values()))


def _masked_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_masked_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked_value(v) for k, v in value.items()}
    return value


def _masked_parse(parse: Dict[str, Any], text: str) -> Dict[str, Any]:
    spans = pii_spans(text)
    entities = []
    for e in parse.get("entities") or []:
        start, end = e.get("start"), e.get("end")
        personal = e.get("entity") in ("phone", "id_number") or (
            isinstance(start, int) and isinstance(end, int)
            and any(s < end and start < t for s, t in spans))
        if personal:
            e = {k: v for k, v in e.items() if k != "additional_info"}
            e["value"] = mask(str(e.get("value", ""))) if e.get("entity") not in (
                "phone", "id_number") else "*" * len(str(e.get("value", "")))
        entities.append(e)
    return {**parse, "text": mask(parse.get("text") or text), "entities": entities}


def masked_dialogue(dialogue: Dict[str, Any]) -> Dict[str, Any]:
    """A serialised dialogue (``tracker.as_dialogue().as_dict()``) with the buyer's and the
    assistant's texts masked; events, intents and slots are left as they are."""
    events = []
    for event in dialogue.get("events") or []:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            event = {**event, "text": mask(text),
                     "parse_data": _masked_parse(event.get("parse_data") or {}, text)}
        elif kind == "bot":
            event = {**event, "text": mask(event["text"]) if event.get("text") else event.get("text"),
                     "data": _masked_value(event.get("data"))}
        events.append(event)
    return {**dialogue, "events": events}


class BoundedRedisTrackerStore(RedisTrackerStore):
    """Redis tracker store that keeps a conversation's recent events only."""

    def __init__(self, domain: Domain, host: str = "localhost", port: Any = 6379, db: Any = 0,
                 record_exp: Any = None, max_events: Any = DEFAULT_MAX_EVENTS,
                 **kwargs: Any) -> None:
        exp = float(record_exp) if record_exp not in (None, "", "0") else None
        super().__init__(domain, host=host, port=int(port), db=int(db), record_exp=exp, **kwargs)
        self.max_events = int(max_events)

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        # One writer per conversation (the lock store), so no read-merge-write is needed.
        await self.stream_events(tracker)
        expiry = timeout or self.record_exp
        dialogue = bounded(tracker, self.max_events).as_dialogue().as_dict()
        data = json.dumps(masked_dialogue(dialogue))
        self.red.set(self.key_prefix + tracker.sender_id, data,
                     ex=int(expiry) if expiry else None)


class RedisLocks(RedisLockStore):
    """Rasa's Redis lock store, built from an endpoint whose values are environment strings."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        options = dict(endpoint_config.kwargs) if endpoint_config else {}
        super().__init__(host=(endpoint_config.url if endpoint_config else None) or "localhost",
                         port=int(options.get("port", 6379)), db=int(options.get("db", 1)),
                         key_prefix=options.get("key_prefix"),
                         socket_timeout=float(options.get("socket_timeout", 5)))
