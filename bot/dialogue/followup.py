"""Follow-ups: a message that only makes sense after the previous turn.

那杭州呢 after a fee question to 新疆 asks the fee to 杭州; 顺丰呢 asks it by 顺丰
(still to 新疆); 邮费谁出 after a quality complaint asks who pays the return
postage *for a quality problem*. ``resolve`` decides which topic a message
continues and with which entities, from the message's own parse (intent ranking,
the sub-topic classifier's reading under each ranked intent) and the state the
previous turn left (``topic``, ``subtopic``, ``topic_entities``, ``reason``).

The carried context ends when the buyer changes the subject: a message that is not
elliptical and is confidently about another topic starts afresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.dialogue.labels import label
from bot.nlu.normalize import is_meaningful

# Entities a follow-up may carry over or replace.
CARRIED = ("location", "courier", "size", "colour", "height", "weight", "foot_length",
           "amount")
# Topics one may continue into the other (a complaint about quality → how to return).
RELATED = {"complaint": ("refund", "change_order"), "refund": ("complaint",),
           "product_query": ("size_query",), "size_query": ("product_query",)}
FALLBACK = "nlu_fallback"
SHORT = 10             # content characters: at most this many to be elliptical
CONFIDENT = 0.75       # own intent at least this sure: not a continuation
RELATED_FLOOR = 0.10   # a related topic this far down the ranking may be continued

_PUNCT = re.compile(r"[\s,，.。:：!！?？~～、…'\"“”‘’()（）\[\]【】]|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_POLITE = re.compile(r"^(亲|亲亲|老板|客服|掌柜|宝|你好|您好)+")
_START = re.compile(r"^(那|那么|那要是|那如果|还有|再问下?|另外|顺便问下?|换成|要是)")
_END = re.compile(r"(呢|嘞|咧|捏|呐)$")
_ALSO = re.compile(r"(也问一?下|也一样吗?|也是吗|也可以吗|也能吗|也行吗|一样吗)$")


@dataclass
class Followup:
    intent: str
    subtopic: Optional[str]
    entities: List[Dict[str, Any]]
    continued: bool = False           # the topic came from the previous turn
    note: Optional[str] = None        # for the agent: 接上文：物流/fee → 杭州
    reason: Optional[str] = None      # carried kind of problem (quality, wrong_item, …)
    carried: Dict[str, Any] = field(default_factory=dict)


def content(text: str) -> str:
    return _POLITE.sub("", _PUNCT.sub("", text))


def elliptical(text: str) -> bool:
    """那杭州呢, 顺丰呢, 拉萨的也问一下, 还有L码吗: short, leaning on what came before."""
    core = content(text)
    if not core or len(core) > SHORT:
        return False
    return bool(_START.search(core) or _END.search(core) or _ALSO.search(core))


def _ranked(parse_ranking: List[Dict[str, Any]], intent: str) -> float:
    return next((float(r.get("confidence") or 0) for r in parse_ranking
                 if r.get("name") == intent), 0.0)


def _subtopic_under(subtopics: Dict[str, Any], intent: str) -> Optional[Dict[str, Any]]:
    found = subtopics.get(intent)
    return found if isinstance(found, dict) else None


def _merge(previous: Dict[str, Any], entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """This message's entities, plus the previous turn's of the kinds it does not give."""
    given = {e.get("entity") for e in entities}
    out = list(entities)
    for name, value in (previous or {}).items():
        if name in CARRIED and name not in given and value is not None:
            out.append({"entity": name, "value": value, "carried": True})
    return out


def _note(topic: str, subtopic: Optional[str], entities: List[Dict[str, Any]]) -> str:
    new = [str(e.get("value")) for e in entities
           if not e.get("carried") and e.get("entity") in CARRIED]
    return "接上文：" + label(topic, subtopic) + "".join(f" → {v}" for v in new)


def resolve(text: str, intent: str, confidence: float, ranking: List[Dict[str, Any]],
            entities: List[Dict[str, Any]], subtopics: Dict[str, Any],
            slots: Dict[str, Any], topical: Any) -> Followup:
    """The topic, sub-topic and entities this message is about, in the conversation."""
    own = _subtopic_under(subtopics, intent)
    fresh = Followup(intent, own.get("name") if own else None, list(entities))
    previous = slots.get("topic")
    if not previous or (text and not is_meaningful(content(text))):
        # nothing before, or nothing here to continue it with (😤😤, blanks); "" is the
        # caller's "no text to judge" (a bare order number answering "which order?")
        return fresh
    carried = dict(slots.get("topic_entities") or {})
    reason = slots.get("reason")
    short = len(content(text)) <= SHORT
    ellipsis = elliptical(text)
    related = (previous,) + RELATED.get(previous, ())
    sure = confidence >= CONFIDENT and topical(intent)

    if intent == previous and (ellipsis or short):
        # the same topic: a new place, courier or size replaces the old one
        sub = own.get("name") if own and not _only_entities(text, entities) else None
        sub = sub or slots.get("subtopic")
        merged = _merge(carried, entities)
        return Followup(previous, sub, merged, True, _note(previous, sub, merged), reason)
    if sure and intent not in related:
        return fresh                   # another subject: the context ends
    carries = intent == FALLBACK and any(e.get("entity") in CARRIED for e in entities)
    if ellipsis or (short and not sure) or carries:  # 重庆的也问一下 我姐在那边
        choice = intent if intent in related and topical(intent) else None
        if choice is None:
            # a related topic lower in the ranking, or the previous topic itself
            ranked = [t for t in related if _ranked(ranking, t) >= RELATED_FLOOR]
            choice = max(ranked, key=lambda t: _ranked(ranking, t)) if ranked else None
        if choice is None and (ellipsis or intent == FALLBACK):
            choice = previous  # 就最近买的那个 / 我脚背有点高: not understood alone, so the topic goes on
        if choice is not None:
            under = _subtopic_under(subtopics, choice)
            if choice == previous and (under is None or _only_entities(text, entities)):
                sub = slots.get("subtopic")
            else:
                sub = under.get("name") if under else None
            merged = _merge(carried, entities)
            return Followup(choice, sub, merged, True, _note(choice, sub, merged), reason)
    if intent in related and topical(intent):
        # the same matter from another side (a quality complaint → how to return)
        merged = _merge(carried, entities)
        return Followup(intent, fresh.subtopic, merged, intent != previous,
                        _note(intent, fresh.subtopic, merged) if intent != previous else None,
                        reason)
    return fresh


def _only_entities(text: str, entities: List[Dict[str, Any]]) -> bool:
    """The message says nothing but a new place/courier/size and the ellipsis (顺丰呢)."""
    rest = content(text)
    for e in entities:
        rest = rest.replace(str(e.get("value")), "")
        start, end = e.get("start"), e.get("end")
        if isinstance(start, int) and isinstance(end, int):
            rest = rest.replace(content(text[start:end]), "")
    rest = _START.sub("", _ALSO.sub("", _END.sub("", rest)))
    return len(re.sub(r"(的|呀|啊|吗|么|嘛)", "", rest)) == 0


def topic_entities(entities: List[Dict[str, Any]]) -> Dict[str, Any]:
    """What a turn leaves for the next to carry: one value per carried kind."""
    out: Dict[str, Any] = {}
    for e in entities:
        if e.get("entity") in CARRIED and e.get("entity") not in out:
            out[str(e["entity"])] = e.get("value")
    return out
