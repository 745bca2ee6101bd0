"""Where the buyer wants it sent (and whether that is outside the mainland), the courier
they name, the amount they type: read from the turn's entities and words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from bot.fees import Destination, resolve
from bot.store.models import Order
from bot.suggest.context import Turn

HK_MO_TW = ("香港", "澳门", "台湾")
_NOT_A_STREET = r"(?![东西南北中]?[路街道巷里])"  # 青岛 香港中路 is an address, not 香港
_OUTSIDE = [
    ("hk_mo_tw", re.compile(rf"(香港|澳门|台湾){_NOT_A_STREET}|港澳台|港澳")),
    ("hk_mo_tw", re.compile(r"(?<![a-z])(hong ?kong|hk|macau|macao|taiwan)(?![a-z])", re.I)),
    ("abroad", re.compile(
        r"海外|国外|境外|外国|出国|国际(快递|物流|件|运费)|美国|日本|韩国|新加坡|马来西亚|泰国|越南|"
        r"菲律宾|印尼|印度尼西亚|柬埔寨|缅甸|澳大利亚|澳洲|新西兰|加拿大|英国|法国|德国|意大利|"
        r"西班牙|荷兰|瑞士|俄罗斯|阿联酋|迪拜|巴西|墨西哥|印度(?!尼)")),
    ("abroad", re.compile(r"(?<![a-z])(usa|japan|korea|singapore|canada|australia|uk|"
                          r"england|france|germany|malaysia|overseas|abroad)(?![a-z])", re.I)),
]
_CANONICAL = {"hongkong": "香港", "hong kong": "香港", "hk": "香港", "macau": "澳门",
              "macao": "澳门", "taiwan": "台湾", "港澳": "港澳地区", "港澳台": "港澳台地区"}


@dataclass(frozen=True)
class Place:
    """Where the parcel is to go: the words, the mainland destination or the kind of
    place outside the mainland (``hk_mo_tw`` / ``abroad``), and the fact it comes from."""

    text: str
    destination: Optional[Destination] = None
    outside: Optional[str] = None
    facts: List[str] = field(default_factory=list)


def _outside_in(text: str) -> Optional[Tuple[str, str]]:
    for kind, pattern in _OUTSIDE:
        m = pattern.search(text)
        if m:
            word = m.group(0)
            return kind, _CANONICAL.get(word.lower(), word)
    return None


def _place(text: str, fact: str) -> Place:
    found = _outside_in(text)
    destination = resolve(text)
    if destination is not None and destination.province in HK_MO_TW:
        return Place(destination.province, outside="hk_mo_tw", facts=[fact])
    if destination is None and found is not None:
        return Place(found[1], outside=found[0], facts=[fact])
    return Place(text, destination, facts=[fact])


def place_of(turn: Turn, order: Optional[Order] = None) -> Optional[Place]:
    """The place the buyer means: a location they name now, else a place outside the
    mainland their words mention, else the order's province, else a carried location."""
    locations = [e for e in turn.entities if e.get("entity") == "location" and e.get("value")]
    fresh = [_place(str(e["value"]), "turn.entities.location")
             for e in locations if not e.get("carried")]
    outside = [p for p in fresh if p.outside]
    if outside or fresh:
        return (outside or fresh)[0]
    found = _outside_in(turn.text)
    if found is not None:
        return Place(found[1], outside=found[0], facts=["turn.text"])
    if order is not None and order.province:
        return _place(str(order.province), f"order.{order.id}.province")
    carried = [_place(str(e["value"]), "turn.entities.location") for e in locations]
    return carried[0] if carried else None


def courier_of(turn: Turn) -> Optional[str]:
    """The courier the buyer names, canonical (sf → 顺丰)."""
    e = turn.entity("courier")
    if e is None or not e.get("value"):
        return None
    info = e.get("additional_info") or {}
    return str(info.get("canonical") or e["value"]).strip()


def same_courier(a: str, b: str) -> bool:
    return a.strip().upper() == b.strip().upper()


def amount_of(turn: Turn) -> Optional[float]:
    """The amount of money the buyer gives (None for 九十多块: not exact)."""
    e = turn.entity("amount")
    if e is None:
        return None
    info = e.get("additional_info") or {}
    if info.get("more_than"):
        return None
    if info.get("yuan") is not None:
        return float(info["yuan"])
    m = re.search(r"\d+(?:\.\d+)?", str(e.get("value") or ""))
    return float(m.group(0)) if m else None
