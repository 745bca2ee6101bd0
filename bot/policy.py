"""Shop policy loaded from data/shops/<shop>/policy.yml and validated on load.

A malformed file raises :class:`PolicyError` naming the file, the key and the
problem, e.g. ``data/shops/wuhan/policy.yml: shipping.default_per_kg: value is
not a valid float``.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Literal, Optional

from pydantic import BaseModel, Extra, Field, ValidationError, root_validator, validator

from bot.datafiles import read_mapping

ROOT = Path(__file__).resolve().parent.parent
SHOPS_DIR = Path(os.environ.get("SHOP_DATA_DIR", ROOT / "data" / "shops"))


class PolicyError(ValueError):
    """A policy or region file that cannot be used, with file, key and problem."""


class _Model(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Place(_Model):
    province: str
    city: str


class Hours(_Model):
    open: dt.time
    close: dt.time

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:  # noqa: N805
        if values["open"] >= values["close"]:
            raise ValueError("open must be before close")
        return values


class FeeRule(_Model):
    """A fee for some destinations: cities, provinces or a region group."""

    name: str
    cities: List[str] = []
    provinces: List[str] = []
    group: Optional[str] = None
    per_kg: Optional[float] = Field(None, gt=0)
    confirm_first: bool = False

    @root_validator(skip_on_failure=True)
    def _fee_or_confirm(cls, values: dict) -> dict:  # noqa: N805
        if values["per_kg"] is None and not values["confirm_first"]:
            raise ValueError("needs per_kg or confirm_first: true")
        if not (values["cities"] or values["provinces"] or values["group"]):
            raise ValueError("needs cities, provinces or group")
        return values


class DeliveryDays(_Model):
    local: int = Field(gt=0)
    near: int = Field(gt=0)
    far: int = Field(gt=0)


class OutsideMainland(_Model):
    hk_mo_tw: Literal["confirm_first", "not_shipped"] = "confirm_first"
    abroad: Literal["confirm_first", "not_shipped"] = "not_shipped"


class Shipping(_Model):
    unit: Literal["kg"] = "kg"
    local: List[FeeRule]
    regions: List[FeeRule]
    default_per_kg: float = Field(gt=0)
    official_rate_couriers: List[str]
    default_courier: str
    delivery_days: DeliveryDays
    # 港澳台 and abroad: the fee table is for the mainland only.
    outside_mainland: OutsideMainland = Field(default_factory=lambda: OutsideMainland())


class OriginalPostage(_Model):
    not_shipped: bool = True     # 未发货退款: 全额退, 含运费
    quality: bool = True         # 质量问题: 卖家承担来回运费
    no_reason: bool = False      # 七天无理由: 发货运费不退, 退回运费买家承担


class Returns(_Model):
    no_reason_days: int = Field(ge=7)  # platform minimum: 七天无理由
    no_reason_conditions: List[str]
    no_reason_postage: Literal["buyer", "seller"]
    quality_postage: Literal["buyer", "seller"]
    quality_photo_hours: int = Field(gt=0)
    courier_damage: Literal["refuse_delivery"]
    compensation_cap: Literal["postage"]
    # 运费险: bought by the buyer at checkout (the insurer pays the return postage), or
    # given by the shop on every order, or not offered.
    shipping_insurance: Literal["buyer_optional", "shop_gives", "none"] = "buyer_optional"
    # Is the postage the buyer paid for the order refunded with it?
    original_postage: OriginalPostage = Field(default_factory=lambda: OriginalPostage())


class Coupon(_Model):
    name: str
    amount: float = Field(gt=0)
    threshold: float = Field(ge=0)


class Bargain(_Model):
    max_discount_percent: float = Field(ge=0, le=50)
    coupons: List[Coupon] = []
    free_shipping_threshold: Optional[float] = Field(None, ge=0)
    free_shipping_excludes: List[str] = []




class ShopPolicy(_Model):
    shop_id: str
    name: str
    ships_from: Place
    timezone: str
    business_hours: Hours
    ship_within_hours: int = Field(gt=0, le=72)
    shipping: Shipping
    returns: Returns
    bargain: Bargain

    @validator("timezone")
    def _known_zone(cls, value: str) -> str:  # noqa: N805
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except Exception as e:
            raise ValueError(f"unknown time zone '{value}'") from e
        return value

    def is_open(self, when: dt.datetime) -> bool:
        """Inside business hours at ``when`` (aware datetime; naive means shop time)."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.timezone)
        local = when.astimezone(zone) if when.tzinfo else when.replace(tzinfo=zone)
        return self.business_hours.open <= local.time() < self.business_hours.close


class Regions(_Model):
    groups: Dict[str, List[str]]
    provinces: List[str]
    aliases: Dict[str, str] = {}
    cities: Dict[str, str]

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict) -> dict:  # noqa: N805
        known = set(values["provinces"])
        for group, members in values["groups"].items():
            unknown = [p for p in members if p not in known]
            if unknown:
                raise ValueError(f"group {group} names unknown provinces {unknown}")
        for city, province in values["cities"].items():
            if province not in known:
                raise ValueError(f"city {city} is in unknown province {province}")
        return values


def _problem(path: Path, error: ValidationError) -> PolicyError:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"] if part != "__root__") or "(top level)"
    return PolicyError(f"{path}: {key}: {first['msg']}")


def _read_yaml(path: Path) -> dict:
    return read_mapping(path, PolicyError)


def load_regions(path: Optional[Path] = None) -> Regions:
    path = path or SHOPS_DIR / "regions.yml"
    try:
        return Regions(**_read_yaml(path))
    except ValidationError as e:
        raise _problem(path, e) from e


def load_policy(path: Path, regions: Optional[Regions] = None) -> ShopPolicy:
    try:
        policy = ShopPolicy(**_read_yaml(path))
    except ValidationError as e:
        raise _problem(path, e) from e
    regions = regions or load_regions()
    for section in ("local", "regions"):
        for i, rule in enumerate(getattr(policy.shipping, section)):
            if rule.group and rule.group not in regions.groups:
                raise PolicyError(f"{path}: shipping.{section}.{i}.group: "
                                  f"unknown region group '{rule.group}'")
    if path.parent.name != policy.shop_id:
        raise PolicyError(f"{path}: shop_id: '{policy.shop_id}' does not match the "
                          f"directory name '{path.parent.name}'")
    return policy


@lru_cache(maxsize=None)
def shop_policy(shop_id: str) -> ShopPolicy:
    """The policy of a shop in data/shops/ (cached; raises PolicyError if unknown)."""
    path = SHOPS_DIR / shop_id / "policy.yml"
    if not path.exists():
        raise PolicyError(f"unknown shop '{shop_id}': {path} not found")
    return load_policy(path)


def shop_ids() -> List[str]:
    return sorted(p.parent.name for p in SHOPS_DIR.glob("*/policy.yml"))
