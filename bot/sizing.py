"""Size recommendation from height and weight against a product's size chart.

A chart row gives the height range (cm) and weight range (斤) a size fits.
The recommendation is the size whose ranges fit both; when height and weight
point to different sizes, the larger one (a garment that is too small cannot
be worn), with the reason spelled out so an agent can check it. A chart without
height and weight ranges (a shoe chart gives the foot length, ``foot_cm``) gives
no advice from height and weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence


@dataclass(frozen=True)
class SizeAdvice:
    size: str
    reason: str
    by_height: Optional[str]
    by_weight: Optional[str]


def _fit(chart: Sequence[Dict[str, Any]], key: str, value: float) -> Optional[int]:
    """Index of the first (smallest) size whose range holds the value; clamp at the ends."""
    for i, row in enumerate(chart):
        low, high = row[key]
        if low <= value <= high:
            return i
    if value < chart[0][key][0]:
        return 0
    if value > chart[-1][key][1]:
        return len(chart) - 1
    # between two ranges: the larger size
    for i, row in enumerate(chart):
        if value < row[key][0]:
            return i
    return None


def _ranges(chart: Optional[Sequence[Dict[str, Any]]], key: str) -> bool:
    """Does every row of the chart give a [low, high] range for this measurement?"""
    return bool(chart) and all(isinstance(row.get(key), (list, tuple)) and len(row[key]) == 2
                               for row in chart or ())


def measures_body(chart: Optional[Sequence[Dict[str, Any]]]) -> bool:
    """A chart that sizes by height or weight (clothes), not by foot length (shoes)."""
    return _ranges(chart, "height_cm") or _ranges(chart, "weight_jin")


def recommend(chart: Optional[Sequence[Dict[str, Any]]], height_cm: Optional[float],
              weight_jin: Optional[float]) -> Optional[SizeAdvice]:
    """None when the chart is empty, has no range for the known measurements (a shoe
    chart), or neither measurement is known."""
    if not chart:
        return None
    by_h = (_fit(chart, "height_cm", height_cm)
            if height_cm is not None and _ranges(chart, "height_cm") else None)
    by_w = (_fit(chart, "weight_jin", weight_jin)
            if weight_jin is not None and _ranges(chart, "weight_jin") else None)
    picks: List[int] = [i for i in (by_h, by_w) if i is not None]
    if not picks:
        return None
    index = max(picks)
    size = chart[index]["size"]
    parts = []
    if by_h is not None:
        parts.append(f"身高{height_cm:g}cm对应{chart[by_h]['size']}")
    if by_w is not None:
        parts.append(f"体重{weight_jin:g}斤对应{chart[by_w]['size']}")
    reason = "，".join(parts)
    if by_h is not None and by_w is not None and by_h != by_w:
        reason += f"，两者不一致时建议选大一码的{size}"
    return SizeAdvice(size, reason, chart[by_h]["size"] if by_h is not None else None,
                      chart[by_w]["size"] if by_w is not None else None)
