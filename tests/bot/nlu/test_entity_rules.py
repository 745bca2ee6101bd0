from __future__ import annotations

from typing import Dict, List, Tuple

import pytest

from bot.nlu.entity_rules import canonical_size, find_all


def found(text: str) -> List[Tuple[str, str]]:
    return sorted({(m.label, text[m.start:m.end]) for m in find_all(text)})


def info(text: str, label: str) -> Dict:
    return next(m.info for m in find_all(text) if m.label == label)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("165cm 110斤穿什么码", [("height", "165cm"), ("weight", "110斤")]),
        ("一米六五一百二十斤", [("height", "一米六五"), ("weight", "一百二十斤")]),
        ("身高170体重65kg", [("height", "170"), ("weight", "65kg")]),
        ("1.65米 55公斤", [("height", "1.65米"), ("weight", "55公斤")]),
        ("170/130斤 L码还是XL", [("height", "170"), ("size", "L码"), ("size", "XL"),
                                ("weight", "130斤")]),
        ("平时穿38码", [("size", "38码")]),
        ("买5斤红枣", []),  # a product quantity, not a body weight
        ("订单号2398475610293847561查一下", [("order_id", "2398475610293847561")]),
        ("554676601124这个有货吗", []),  # a 12-digit item number is not an order number
        ("电话13812345678", [("phone", "13812345678")]),
        ("电话138 1234 5678", [("phone", "138 1234 5678")]),
        ("身份证11010519491231002X", [("id_number", "11010519491231002X")]),
        ("便宜五块钱吧 80元 ¥99", [("amount", "80元"), ("amount", "¥99"), ("amount", "五块钱")]),
        ("iPhone 15 手机壳", []),
        ("内衣75B的能穿吗", [("size", "75B")]),
        ("花了三百多块就这质量", [("amount", "三百多块")]),
        ("身份证号420106199203154817", [("id_number", "420106199203154817")]),
        ("收件人31011519880725362X", [("id_number", "31011519880725362X")]),
        ("订单420106199203154817", [("order_id", "420106199203154817")]),
    ],
)
def test_rules_find_entities(text: str, expected: List[Tuple[str, str]]) -> None:
    assert found(text) == sorted(expected)


def test_normalised_values() -> None:
    assert info("一米六五", "height") == {"cm": 165}
    assert info("110斤", "weight") == {"jin": 110, "kg": 55}
    assert info("60kg", "weight") == {"jin": 120, "kg": 60}
    assert info("三十块钱", "amount") == {"yuan": 30}
    assert info("5毛", "amount") == {"yuan": 0.5}
    assert canonical_size("xl码") == "XL"


def test_eighteen_digits_without_valid_checksum_is_an_order_number() -> None:
    assert found("123456789012345678") == [("order_id", "123456789012345678")]


@pytest.mark.parametrize("text, cm", [("脚长24.3穿多大", 24.3), ("量了23.2cm", 23.2),
                                      ("脚长25.2 男的 穿几码", 25.2)])
def test_a_foot_length_is_read_for_shoe_sizes(text: str, cm: float) -> None:
    found = [m for m in find_all(text) if m.label == "foot_length"]
    assert [m.info["cm"] for m in found] == [cm]
    assert not any(m.label == "height" for m in find_all(text))


def test_the_size_usually_worn_is_a_size() -> None:
    [size] = [m for m in find_all("平时穿38 脚长23.8") if m.label == "size"]
    assert size.info == {"size": "38", "usual": True}
