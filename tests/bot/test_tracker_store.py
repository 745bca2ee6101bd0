"""The bounded tracker: old events dropped at a user turn, slots kept; what is written
to Redis is masked."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import mask
from bot.tracker_store import BoundedRedisTrackerStore, bounded, masked_dialogue


def conversation(turns: int) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen")]
    for i in range(turns):
        events += [UserUttered(f"消息{i}", {"name": "shipping_query", "confidence": 0.9}),
                   ActionExecuted("action_suggest_shipping")]
        if i == 2:
            events.append(SlotSet("order_id", "2398471029384756123"))
        events.append(ActionExecuted("action_listen"))
    slots = [TextSlot("order_id", mappings=[{}]), TextSlot("shop_id", mappings=[{}])]
    return DialogueStateTracker.from_events("wuhan:c1", events, slots=slots)


def test_a_short_conversation_is_kept_whole() -> None:
    tracker = conversation(5)
    assert bounded(tracker, 60) is tracker


def test_a_long_conversation_keeps_its_recent_turns_and_its_slots() -> None:
    tracker = conversation(50)
    cut = bounded(tracker, 30)
    assert len(cut.events) <= 30 + 5
    texts = [e.text for e in cut.events if isinstance(e, UserUttered)]
    assert texts[-1] == "消息49" and "消息0" not in texts
    events = list(cut.events)
    assert events[:2] == [ActionExecuted("action_session_start"), SessionStarted()]
    first_user = next(i for i, e in enumerate(events) if isinstance(e, UserUttered))
    assert events[first_user - 1] == ActionExecuted("action_listen")
    assert cut.get_slot("order_id") == "2398471029384756123"  # set at turn 3, long cut away
    assert cut.latest_message.text == "消息49"
    assert cut.sender_id == "wuhan:c1"


class FakeRedis:
    """The two calls the tracker store makes, on a dict."""

    def __init__(self) -> None:
        self.data: Dict[str, str] = {}

    def set(self, key: str, value: str, ex: Optional[int] = None) -> None:
        self.data[key] = value

    def get(self, key: str) -> Optional[str]:
        return self.data.get(key)


def buyer_turn(text: str, entities: List[Dict[str, Any]]) -> List[Any]:
    return [UserUttered(text, {"name": "change_order", "confidence": 0.9}, entities,
                        parse_data={"text": text, "intent": {"name": "change_order", "confidence": 0.9},
                                    "entities": entities}),
            ActionExecuted("action_suggest_change_order"),
            BotUttered(data={"custom": {"suggestions": [{"text": f"好的，电话{text[-11:]}已记下"}]}}),
            SlotSet("order_id", "2398471029384756123"), ActionExecuted("action_listen")]


def test_what_goes_to_redis_is_masked_and_the_slots_come_back() -> None:
    from rasa.shared.core.domain import Domain

    domain = Domain.load("domain.yml")
    store = BoundedRedisTrackerStore(domain, record_exp="600")
    store.red = FakeRedis()  # type: ignore[assignment]
    text = "订单2398471029384756123 地址改成武汉市洪山区珞喻路1037号 电话13812345678"
    phone = text.index("138")
    entities = [{"entity": "phone", "start": phone, "end": phone + 11, "value": "13812345678",
                 "additional_info": {"digits": "13812345678"}},
                {"entity": "order_id", "start": 2, "end": 21, "value": "2398471029384756123"}]
    events = [ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen"), *buyer_turn(text, entities)]
    tracker = DialogueStateTracker.from_events("wuhan:c9", events, slots=domain.slots)
    asyncio.run(store.save(tracker))

    stored = next(iter(store.red.data.values()))
    for secret in ("13812345678", "珞喻路", "1037号"):
        assert secret not in stored
    assert "138****5678" in stored and "2398471029384756123" in stored
    back = asyncio.run(store.retrieve("wuhan:c9"))
    assert back is not None
    assert back.get_slot("order_id") == "2398471029384756123"
    assert back.latest_message.text == mask(text)
    assert back.latest_message.intent["name"] == "change_order"
    by_kind = {e["entity"]: e for e in back.latest_message.entities}
    assert by_kind["order_id"]["value"] == "2398471029384756123"
    assert by_kind["phone"]["value"] == "*" * 11 and "additional_info" not in by_kind["phone"]


def test_masked_dialogue_leaves_ordinary_turns_alone() -> None:
    dialogue = conversation(3).as_dialogue().as_dict()
    assert masked_dialogue(dialogue) == dialogue
