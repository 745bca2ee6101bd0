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


def shoe_size(chart: Optional[Sequence[Dict[str, Any]]], foot_cm: Optional[float],
              usual: Optional[str], roomy: bool) -> Optional[SizeAdvice]:
    """A shoe size from the foot length (the chart's ``foot_cm``), else the size usually
    worn; one size up for a high instep or a wide foot (the catalogue's advice)."""
    if not chart or not _ranges(chart, "foot_cm"):
        return None
    sizes = [str(row["size"]) for row in chart]
    if foot_cm is not None:
        index: Optional[int] = _fit(chart, "foot_cm", foot_cm)
        reason = f"脚长{foot_cm:g}cm对应{sizes[index]}" if index is not None else ""
    elif usual is not None and usual in sizes:
        index, reason = sizes.index(usual), f"平时穿{usual}"
    else:
        return None
    if index is None:
        return None
    if roomy and index + 1 < len(sizes):
        index += 1
        reason += "，脚背高或脚宽选大一码"
    return SizeAdvice(sizes[index], reason, None, None)
