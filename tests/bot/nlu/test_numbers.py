from __future__ import annotations

import pytest

from bot.nlu.numbers import height_cm, parse_cn_integer, parse_number, quantity


@pytest.mark.parametrize(
    "text, value",
    [("一百二十", 120), ("十五", 15), ("两百", 200), ("一百五", 150), ("三十", 30),
     ("一二零", 120), ("九十八", 98), ("一千二", 1200), ("五", 5), ("十", 10)],
)
def test_parse_cn_integer(text: str, value: int) -> None:
    assert parse_cn_integer(text) == value


@pytest.mark.parametrize(
    "text, value",
    [("165", 165.0), ("1.65", 1.65), ("一百一十", 110.0), ("五十五点五", 55.5),
     ("一百零五", 105.0), ("九十半", 90.5), ("abc", None), ("", None)],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "metres, rest, cm",
    [("一", "六五", 165), ("1", "65", 165), ("一", "七", 170), ("1", "8", 180), ("一", "", 100)],
)
def test_height_cm(metres: str, rest: str, cm: float) -> None:
    assert height_cm(metres, rest) == cm


@pytest.mark.parametrize("text, n", [("买两个能包邮吗", 2), ("2件多少钱", 2), ("三盒一共多少", 3),
                                     ("这个多少钱", None), ("165斤穿什么码", None),
                                     ("第2件半价吗", None), ("80抽×5包", None)])
def test_quantity_is_a_count_with_its_counter_word(text: str, n: object) -> None:
    assert quantity(text) == n
