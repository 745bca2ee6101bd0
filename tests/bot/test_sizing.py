from __future__ import annotations

from typing import Optional

import pytest

from bot.sizing import measures_body, recommend
from bot.store.demo import TOP_CHART

# (height cm, weight 斤, expected size) against the demo 上衣尺码表
CASES = [
    (155, 90, "S"),
    (160, 100, "S"),      # 160 is S's top and M's bottom: the smaller fits
    (165, 110, "M"),
    (165, 120, "L"),      # weight says L: the larger of the two
    (170, 120, "L"),
    (172, 135, "XL"),
    (175, 150, "XXL"),
    (180, 170, "XXXL"),
    (185, 200, "XXXL"),   # beyond the chart: the largest size
    (145, 70, "S"),       # below the chart: the smallest size
    (168, None, "L"),     # height only
    (None, 140, "XL"),    # weight only
]


@pytest.mark.parametrize("height, weight, size", CASES)
def test_recommendation_against_the_chart(height: Optional[float], weight: Optional[float],
                                          size: str) -> None:
    advice = recommend(TOP_CHART, height, weight)
    assert advice is not None and advice.size == size


def test_the_reason_names_both_measurements_and_the_choice() -> None:
    advice = recommend(TOP_CHART, 165, 120)
    assert advice is not None
    assert advice.reason == "身高165cm对应M，体重120斤对应L，两者不一致时建议选大一码的L"


def test_nothing_to_recommend_without_measurements_or_chart() -> None:
    assert recommend(TOP_CHART, None, None) is None
    assert recommend([], 165, 110) is None


SHOE_CHART = [{"size": str(35 + i), "foot_cm": [22.0 + 0.5 * i, 22.5 + 0.5 * i]} for i in range(10)]


def test_a_chart_without_height_and_weight_gives_no_advice() -> None:
    """A shoe chart gives the foot length: height and weight say nothing about it."""
    assert recommend(SHOE_CHART, 165, 110) is None
    assert recommend(SHOE_CHART, 165, None) is None
    assert not measures_body(SHOE_CHART) and measures_body(TOP_CHART)


def test_a_chart_with_height_only_uses_the_height() -> None:
    kids = [{"size": "110", "height_cm": [105, 115]}, {"size": "120", "height_cm": [115, 125]}]
    advice = recommend(kids, 118, 45)
    assert advice is not None and advice.size == "120" and advice.by_weight is None
    assert advice.reason == "身高118cm对应120"
    assert recommend(kids, None, 45) is None
