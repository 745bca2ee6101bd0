"""Shipping fee and delivery estimate from a shop's policy (seeds/003 fee table)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import List, Optional

from bot.policy import FeeRule, Regions, ShopPolicy, load_regions


@dataclass(frozen=True)
class Destination:
    """Where a buyer wants the parcel: the words they used, resolved to a province."""

    text: str
    province: Optional[str]
    city: Optional[str] = None
    group: Optional[str] = None  # the buyer named a whole region (江浙沪, 东北三省)


@dataclass(frozen=True)
class Quote:
    destination: Destination
    rule: str                      # the policy rule that applied (e.g. 西北五省)
    per_kg: Optional[float]        # None: must be confirmed / official courier rate
    fee: Optional[float]           # for the weight asked about
    weight_kg: float
    confirm_first: bool = False    # 西藏: confirm the real fee before telling the buyer
    official_rate: bool = False    # 顺丰/EMS: the courier's official price list
    delivery_days: Optional[int] = None
    facts: List[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _regions() -> Regions:
    return load_regions()


def resolve(text: str, regions: Optional[Regions] = None) -> Optional[Destination]:
    """新疆 / 乌鲁木齐 / 江浙沪 / 湖北省 / 内蒙 → a Destination, or None if unknown."""
    regions = regions or _regions()
    name = text.strip().rstrip("省市").strip() or text.strip()
    name = regions.aliases.get(name, name)
    if name in regions.groups:
        members = regions.groups[name]
        return Destination(text, members[0] if len(members) == 1 else None, group=name)
    if name in regions.provinces:
        return Destination(text, name)
    if name in regions.cities:
        return Destination(text, regions.cities[name], city=name)
    return None


def _matches(rule: FeeRule, dest: Destination, regions: Regions) -> bool:
    if dest.city and dest.city in rule.cities:
        return True
    if rule.group and dest.group == rule.group:
        return True
    if dest.province is None:
        return False
    if dest.province in rule.provinces:
        return True
    return bool(rule.group and dest.province in regions.groups[rule.group])


def quote(policy: ShopPolicy, destination: Destination, weight_kg: float = 1.0,
          courier: Optional[str] = None, regions: Optional[Regions] = None) -> Quote:
    regions = regions or _regions()
    kilos = max(1, math.ceil(weight_kg))
    shipping = policy.shipping
    days = shipping.delivery_days
    if courier and courier.upper() in {c.upper() for c in shipping.official_rate_couriers}:
        return Quote(destination, f"{courier}官方标准", None, None, weight_kg,
                     official_rate=True, facts=["policy.shipping.official_rate_couriers"])
    for section, delivery in (("local", days.local), ("regions", days.far)):
        for rule in getattr(shipping, section):
            if _matches(rule, destination, regions):
                fee = None if rule.per_kg is None else rule.per_kg * kilos
                return Quote(destination, rule.name, rule.per_kg, fee, weight_kg,
                             confirm_first=rule.confirm_first, delivery_days=delivery,
                             facts=[f"policy.shipping.{section}.{rule.name}"])
    if destination.province is None and destination.group:
        # A region the shop has no rule for (江浙沪 from 武汉): one rate if every
        # member province gets the same one, otherwise ask which province.
        members = [quote(policy, Destination(p, p), weight_kg, courier, regions)
                   for p in regions.groups[destination.group]]
        if len({(q.rule, q.per_kg) for q in members}) == 1:
            first = members[0]
            return Quote(destination, first.rule, first.per_kg, first.fee, weight_kg,
                         delivery_days=first.delivery_days, facts=first.facts)
        return Quote(destination, destination.group, None, None, weight_kg,
                     confirm_first=True, facts=["policy.shipping.regions"])
    return Quote(destination, "其他地区", shipping.default_per_kg,
                 shipping.default_per_kg * kilos, weight_kg, delivery_days=days.near,
                 facts=["policy.shipping.default_per_kg"])
