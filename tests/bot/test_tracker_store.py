"""The bounded tracker: old events dropped at a user turn, slots kept."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import bounded


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
