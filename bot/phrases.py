"""Quick-reply library: load, validate, choose and fill phrases.

A phrase is offered only when every ``{slot}`` in it can be filled; the caller
then falls back to a phrase that asks for the missing fact. Rendering never
returns text with a raw ``{slot}`` in it.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
PHRASES_DIR = Path(os.environ.get("SHOP_PHRASES_DIR", ROOT / "data" / "phrases"))
SHOPS_DIR = Path(os.environ.get("SHOP_DATA_DIR", ROOT / "data" / "shops"))

INTENTS = ("greet", "goodbye", "affirm", "deny", "shipping_query", "size_query", "bargain",
           "refund", "complaint", "product_query", "change_order", "invoice", "human_handoff",
           "nlu_fallback")

# situation → the slots a phrase for it may use. Keeping this list closed means a
# typo in a phrase file is caught on load, not when a buyer is waiting.
SITUATIONS: Dict[str, Tuple[str, ...]] = {
    # any intent
    "ask_order_id": (),
    "ask_which_order": ("order_list",),
    "unknown_order": ("order_id",),
    # greet / goodbye / affirm / deny / human_handoff / fallback / product / invoice
    "greet_open": ("shop_name",),
    "goodbye": (),
    "affirm_ack": (),
    "deny_ack": (),
    "handoff": (),
    "handoff_offhours": ("open_time",),
    "fallback": (),
    "product_info": ("product",),
    "product_ask_which": (),
    "invoice_yes": (),
    "invoice_ask_details": (),
    # shipping
    "ship_promise": ("ship_within_hours",),
    "awaiting_payment": ("order_id", "ship_within_hours"),
    "paid_not_shipped": ("order_id", "ship_eta"),
    "paid_overdue": ("order_id", "paid_at"),
    "shipped": ("order_id", "courier", "tracking_no", "latest_event", "latest_event_time"),
    "delivered": ("order_id", "courier", "delivered_at"),
    "fee_quote": ("location", "fee", "delivery_days"),
    "fee_confirm_first": ("location",),
    "fee_official_rate": ("courier",),
    "fee_ask_location": (),
    "free_shipping": ("free_shipping_threshold",),
    # size
    "size_recommend": ("height", "weight", "size", "product"),
    "size_ask_measurements": (),
    "size_no_chart": ("product",),
    # bargain
    "hold_price": (),
    "coupon": ("coupon_name", "coupon_amount", "coupon_threshold"),
    # refund / after-sales
    "refund_unpaid_close": ("order_id",),
    "refund_paid_not_shipped": ("order_id",),
    "refund_shipped": ("order_id", "courier"),
    "refund_within_no_reason": ("order_id", "return_deadline", "conditions"),
    "refund_outside_no_reason": ("order_id", "no_reason_days"),
    "refund_quality": ("quality_photo_hours",),
    "refund_in_progress": ("order_id",),
    "refund_closed": ("order_id",),
    # complaint
    "complaint_quality": ("quality_photo_hours",),
    "complaint_courier_damage": (),
    "complaint_missing_item": (),
    "complaint_service": (),
    "complaint_escalate": (),
    "complaint_order": ("order_id", "status"),
    # off-hours auto-reply (the only text sent without an agent): greeting + one line
    "offhours_greeting": ("open_time", "shop_name"),
    "offhours_shipping": ("open_time",),
    "offhours_refund": ("open_time",),
    "offhours_complaint": ("open_time",),
    "offhours_change_order": ("open_time",),
    "offhours_other": ("open_time",),
    # change_order
    "change_possible": ("order_id",),
    "change_too_late": ("order_id", "courier"),
}


class PhraseError(ValueError):
    """A phrase file that cannot be used: file, phrase and problem."""


@dataclass(frozen=True)
class Phrase:
    id: str
    intent: str
    situation: str
    text: str

    @property
    def slots(self) -> List[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.text) if name]


@dataclass(frozen=True)
class Rendered:
    phrase: Phrase
    text: str
    slots: Dict[str, str]


def _read(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise PhraseError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("phrases"), list):
        raise PhraseError(f"{path}: phrases: expected a list of phrases")
    return data


def declared_situations(paths: List[Path]) -> Dict[str, Tuple[str, ...]]:
    """The built-in situations plus those a phrase file declares
    (``situations: {name: [slot, ...]}``): each phrase file of an intent family
    declares the situations its rules produce, with the slots they fill."""
    known = dict(SITUATIONS)
    for path in paths:
        extra = _read(path).get("situations") or {}
        if not isinstance(extra, dict):
            raise PhraseError(f"{path}: situations: expected a mapping of name → slots")
        for name, slots in extra.items():
            if not isinstance(slots, list) or not all(isinstance(x, str) for x in slots):
                raise PhraseError(f"{path}: situations.{name}: expected a list of slot names")
            if name in known and tuple(slots) != known[name]:
                raise PhraseError(f"{path}: situations.{name}: declared twice with other slots")
            known[str(name)] = tuple(slots)
    return known


def _parse(path: Path, situations: Optional[Mapping[str, Tuple[str, ...]]] = None
           ) -> List[Phrase]:
    data = _read(path)
    situations = situations if situations is not None else declared_situations([path])
    out = []
    for i, item in enumerate(data["phrases"]):
        where = f"{path}: phrases.{i}"
        if not isinstance(item, dict):
            raise PhraseError(f"{where}: expected a mapping")
        missing = [k for k in ("id", "intent", "situation", "text") if not item.get(k)]
        if missing:
            raise PhraseError(f"{where}: missing {', '.join(missing)}")
        extra = set(item) - {"id", "intent", "situation", "text"}
        if extra:
            raise PhraseError(f"{where} ({item['id']}): unknown keys {sorted(extra)}")
        phrase = Phrase(str(item["id"]), str(item["intent"]), str(item["situation"]),
                        str(item["text"]))
        _check(phrase, f"{where} ({phrase.id})", situations)
        out.append(phrase)
    return out


def _check(phrase: Phrase, where: str, situations: Mapping[str, Tuple[str, ...]]) -> None:
    if phrase.intent not in INTENTS:
        raise PhraseError(f"{where}: intent: unknown intent '{phrase.intent}'")
    if phrase.situation not in situations:
        raise PhraseError(f"{where}: situation: unknown situation '{phrase.situation}'")
    try:
        slots = phrase.slots
    except ValueError as e:
        raise PhraseError(f"{where}: text: broken slot braces: {e}") from e
    allowed = set(situations[phrase.situation])
    unknown = [s for s in slots if s not in allowed]
    if unknown:
        raise PhraseError(f"{where}: text: slots {unknown} are not available in situation "
                          f"'{phrase.situation}' (allowed: {sorted(allowed)})")


def load_library(paths: List[Path]) -> Dict[str, Phrase]:
    """Later files override earlier ones by phrase id."""
    library: Dict[str, Phrase] = {}
    situations = declared_situations(paths)
    for path in paths:
        seen = set()
        for phrase in _parse(path, situations):
            if phrase.id in seen:
                raise PhraseError(f"{path}: {phrase.id}: duplicate phrase id")
            seen.add(phrase.id)
            library[phrase.id] = phrase
    return library


def library_files() -> List[Path]:
    """``default.yml``, then the intent families' phrase files in name order."""
    first = PHRASES_DIR / "default.yml"
    return [first] + sorted(p for p in PHRASES_DIR.glob("*.yml") if p != first)


@lru_cache(maxsize=None)
def shop_library(shop_id: str) -> Dict[str, Phrase]:
    paths = library_files()
    override = SHOPS_DIR / shop_id / "phrases.yml"
    if override.exists():
        paths.append(override)
    return load_library(paths)


_SLOT = re.compile(r"\{[^{}]*\}")


def render(phrase: Phrase, values: Mapping[str, Any]) -> Optional[Rendered]:
    """The filled phrase, or None when a slot has no value (never a raw {slot})."""
    filled: Dict[str, str] = {}
    for slot in phrase.slots:
        value = values.get(slot)
        if value is None or str(value).strip() == "":
            return None
        filled[slot] = str(value)
    text = phrase.text.format(**filled)
    if _SLOT.search(text):  # a value that itself looked like a slot
        return None
    return Rendered(phrase, text, filled)


def for_situation(library: Mapping[str, Phrase], situation: str,
                  intent: Optional[str] = None) -> List[Phrase]:
    return [p for p in library.values()
            if p.situation == situation and (intent is None or p.intent == intent)]
