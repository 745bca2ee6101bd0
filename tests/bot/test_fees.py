"""Fees against the seeds' table (shared/seeds/003): both demo shops, many regions."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.fees import quote, resolve
from bot.policy import shop_policy

# (shop, destination, rule, 元/kg or None, must confirm first)
SEED_TABLE = [
    ("wuhan", "武汉", "同城", 6, False),          # 1KG以内武汉本市同城快递一律收6元
    ("wuhan", "宜昌", "省内", 8, False),          # 湖北本省8元
    ("wuhan", "湖北省", "省内", 8, False),
    ("wuhan", "乌鲁木齐", "西北五省", 15, False),  # 西北五省 15元/KG
    ("wuhan", "新疆", "西北五省", 15, False),
    ("wuhan", "哈尔滨", "东北三省", 15, False),    # 东北三省 15元/KG
    ("wuhan", "昆明", "西南", 15, False),          # 西南 15元/KG
    ("wuhan", "内蒙", "内蒙", 15, False),          # 其它: 内蒙、山西 15元/KG
    ("wuhan", "太原", "山西", 15, False),
    ("wuhan", "拉萨", "西藏", None, True),         # 西藏: 先确认实际运费再告知买家
    ("wuhan", "北京", "其他地区", 12, False),      # 其它未列出来地区均按12元/KG
    ("wuhan", "广州", "其他地区", 12, False),
    ("wuhan", "杭州", "其他地区", 12, False),      # 江浙沪 is local only for the 上海 shop
    ("wuhan", "江浙沪", "其他地区", 12, False),
    ("shanghai", "杭州", "江浙沪", 6, False),      # 江浙沪都视为本地6元/KG
    ("shanghai", "苏州", "江浙沪", 6, False),
    ("shanghai", "上海", "江浙沪", 6, False),
    ("shanghai", "江浙沪", "江浙沪", 6, False),
    ("shanghai", "武汉", "其他地区", 12, False),
    ("shanghai", "湖北", "其他地区", 12, False),
    ("shanghai", "兰州", "西北五省", 15, False),
    ("shanghai", "西宁", "西北五省", 15, False),
    ("shanghai", "沈阳", "东北三省", 15, False),
    ("shanghai", "重庆", "西南", 15, False),
    ("shanghai", "西藏", "西藏", None, True),
    ("shanghai", "深圳", "其他地区", 12, False),
]


@pytest.mark.parametrize("shop, place, rule, per_kg, confirm", SEED_TABLE)
def test_fee_per_kg_matches_the_seeds(shop: str, place: str, rule: str,
                                      per_kg: Optional[float], confirm: bool) -> None:
    destination = resolve(place)
    assert destination is not None, place
    q = quote(shop_policy(shop), destination)
    assert (q.rule, q.per_kg, q.confirm_first) == (rule, per_kg, confirm)
    assert q.facts  # every quote names the policy rule it relies on


def test_fee_counts_started_kilograms() -> None:
    q = quote(shop_policy("wuhan"), resolve("新疆"), weight_kg=2.3)
    assert q.fee == 45  # 3 kg × 15


@pytest.mark.parametrize("courier", ["顺丰", "EMS", "ems"])
def test_sf_and_ems_follow_the_official_rates(courier: str) -> None:
    q = quote(shop_policy("shanghai"), resolve("北京"), courier=courier)
    assert q.official_rate and q.fee is None


def test_unknown_place_is_not_guessed() -> None:
    assert resolve("火星") is None
