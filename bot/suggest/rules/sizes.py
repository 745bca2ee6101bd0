"""Sizes: the item in question's size chart — clothes by height and weight, shoes by
foot length (or the size usually worn, one up for a high instep) — asking only for
what is missing. A size question naming a colour or size of the item (黑色42码有吗,
那43呢) is about stock and answered as such."""

from __future__ import annotations

import re
from typing import List, Optional

from sqlalchemy.orm import Session

from bot.policy import ShopPolicy
from bot.sizing import measures_body, recommend, shoe_size
from bot.store.models import Product
from bot.suggest.context import OrderLookup, Situation, Turn
from bot.suggest.rules import product_facts
from bot.suggest.rules.product import _asked_size, _fact, item_of, sku_asked, stock_of


def _measure(turn: Turn, name: str, unit: str) -> Optional[float]:
    e = turn.entity(name)
    if not e:
        return None
    value = (e.get("additional_info") or {}).get(unit)
    if value is None:
        digits = re.search(r"\d+(?:\.\d+)?", str(e.get("value")))
        value = float(digits.group(0)) if digits else None
        if value is not None and name == "weight" and "kg" in str(e.get("value")).lower():
            value *= 2
        if value is not None and name == "height" and value < 3:
            value *= 100
    return float(value) if value is not None else None


def size(session: Session, policy: ShopPolicy, turn: Turn,
         lookup: OrderLookup) -> List[Situation]:
    """A size from height and/or weight for the item in question; asks only for what is
    missing."""
    cm, jin = _measure(turn, "height", "cm"), _measure(turn, "weight", "jin")
    found = item_of(session, turn, lookup, sized=True)
    if isinstance(found, Situation):
        return [found]
    p = found
    if sku_asked(turn, p):
        return stock_of(policy, turn, p)  # 黑色42码有吗 / 那43呢: the stock
    if p.size_chart and not measures_body(p.size_chart):
        return _shoe(turn, p)
    if not p.size_chart:  # 多大尺寸 / 宝宝能喝吗 of an unsized item: its catalogue facts
        return product_facts.answer(turn, p, "notes") or [
            Situation("size_no_chart", {"product": p.title}, [_fact(p, "size_chart")])]
    if cm is None and jin is None:
        return [Situation("size_ask_measurements")]
    advice = recommend(p.size_chart, cm, jin)
    if advice is None:
        return [Situation("size_ask_measurements")]
    height = turn.value("height") if cm is not None else None
    weight = turn.value("weight") if jin is not None else None
    facts = [_fact(p, "size_chart"), advice.reason]
    if height and weight:
        return [Situation("size_recommend", {"height": height, "weight": weight,
                                             "size": advice.size, "product": p.title}, facts)]
    if weight:
        return [Situation("size_by_weight_ask_height", {"weight": weight, "size": advice.size,
                                                        "product": p.title}, facts)]
    return [Situation("size_by_height_ask_weight", {"height": height, "size": advice.size,
                                                    "product": p.title}, facts)]


_ROOMY = re.compile(r"脚背.{0,2}高|脚面.{0,2}高|高脚背|脚.{0,2}宽|宽脚|脚.{0,2}肥|脚胖")


def _shoe(turn: Turn, p: Product) -> List[Situation]:
    """Shoes go by foot length (or the size usually worn), one up for a high instep."""
    usual = next((str(e.get("value")) for e in turn.entities if e.get("entity") == "size"
                  and (e.get("additional_info") or {}).get("usual")), None)
    foot = _measure(turn, "foot_length", "cm")
    advice = shoe_size(p.size_chart, foot, usual, bool(_ROOMY.search(turn.text)))
    facts = [_fact(p, "size_chart")]
    if advice is None:
        return [Situation("size_shoe", {"product": p.title}, facts)]
    facts.append(advice.reason)
    if foot is not None:
        return [Situation("size_shoe_by_foot", {"product": p.title, "foot_length": f"{foot:g}cm",
                                                "size": advice.size, "reason": advice.reason},
                          facts)]
    return [Situation("size_shoe_by_usual", {"product": p.title, "usual": usual,
                                             "size": advice.size, "reason": advice.reason}, facts)]


def size_chart(session: Session, policy: ShopPolicy, turn: Turn,
               lookup: OrderLookup) -> List[Situation]:
    found = item_of(session, turn, lookup, sized=True)
    if isinstance(found, Situation):
        return [found]
    if sku_asked(turn, found):
        return stock_of(policy, turn, found)
    if not found.size_chart:
        return product_facts.answer(turn, found, "notes") or [
            Situation("size_no_chart", {"product": found.title}, [_fact(found, "size_chart")])]
    rows = []
    named = _asked_size(turn, found)  # S码腰围多少: that size's row
    chart = [r for r in found.size_chart if str(r.get("size")) == named] or found.size_chart
    for row in chart:
        parts = []
        if row.get("height_cm"):
            parts.append(f"身高{row['height_cm'][0]}-{row['height_cm'][1]}cm")
        if row.get("weight_jin"):
            parts.append(f"体重{row['weight_jin'][0]}-{row['weight_jin'][1]}斤")
        if row.get("foot_cm"):
            parts.append(f"脚长{row['foot_cm'][0]}-{row['foot_cm'][1]}cm")
        if row.get("waist_cm"):
            parts.append(f"腰围{row['waist_cm'][0]}-{row['waist_cm'][1]}cm")
        rows.append(f"{row['size']}码：" + "、".join(parts))
    name = "size_chart_rows" if measures_body(found.size_chart) else "size_chart_rows_foot"
    return [Situation(name, {"product": found.title, "chart": "；".join(rows)},
                      [_fact(found, "size_chart")])]
