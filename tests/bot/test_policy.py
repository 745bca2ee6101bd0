from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.policy import PolicyError, load_policy, shop_ids, shop_policy


def test_demo_shops_load() -> None:
    assert shop_ids() == ["shanghai", "wuhan"]
    wuhan = shop_policy("wuhan")
    assert wuhan.ships_from.city == "武汉"
    assert str(wuhan.business_hours.open) == "09:00:00"
    assert wuhan.returns.no_reason_days == 7


@pytest.mark.parametrize(
    "when, open_",
    [("2026-11-23T08:59:00+08:00", False), ("2026-11-23T09:00:00+08:00", True),
     ("2026-11-23T23:29:00+08:00", True), ("2026-11-23T23:30:00+08:00", False),
     ("2026-11-23T02:00:00+00:00", True),   # 10:00 in Shanghai
     ("2026-11-23T16:00:00+00:00", False)],  # 00:00 in Shanghai
)
def test_business_hours_in_shop_time(when: str, open_: bool) -> None:
    assert shop_policy("wuhan").is_open(dt.datetime.fromisoformat(when)) is open_


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / str(data.get("shop_id", "x")) / "policy.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def good(root: Path) -> dict:
    return yaml.safe_load((root / "data/shops/wuhan/policy.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change, key, problem",
    [
        (lambda d: d["shipping"].update(default_per_kg="twelve"), "shipping.default_per_kg",
         "not a valid float"),
        (lambda d: d["returns"].update(no_reason_days=3), "returns.no_reason_days",
         "greater than or equal to 7"),
        (lambda d: d["business_hours"].update(open="23:00", close="09:00"), "business_hours",
         "open must be before close"),
        (lambda d: d.update(timezone="Mars/Olympus"), "timezone", "unknown time zone"),
        (lambda d: d["shipping"]["regions"].append({"name": "x", "group": "火星"}),
         "shipping.regions.6", "needs per_kg or confirm_first"),
        (lambda d: d["shipping"]["regions"].append({"name": "x", "group": "火星", "per_kg": 3}),
         "shipping.regions.6.group", "unknown region group"),
        (lambda d: d.update(surprise=1), "surprise", "extra fields not permitted"),
        (lambda d: d.pop("bargain"), "bargain", "field required"),
    ],
)
def test_malformed_policy_names_file_key_and_problem(tmp_path: Path, good: dict, change,
                                                     key: str, problem: str) -> None:
    change(good)
    path = write(tmp_path, good)
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message


def test_invalid_yaml_and_unknown_shop(tmp_path: Path) -> None:
    path = tmp_path / "wuhan" / "policy.yml"
    path.parent.mkdir()
    path.write_text("shop_id: [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(path)
    with pytest.raises(PolicyError, match="unknown shop 'nowhere'"):
        shop_policy("nowhere")
