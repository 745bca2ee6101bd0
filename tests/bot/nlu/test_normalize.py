from __future__ import annotations

import pytest

from bot.nlu.normalize import is_meaningful, normalize


@pytest.mark.parametrize(
    "text, expected",
    [
        ("１６５ｃｍ穿什么码？", "165cm穿什么码?"),
        ("請問這個還有貨嗎", "请问这个还有货吗"),
        ("發貨了沒", "发货了没"),
        ("在吗！！！", "在吗!  "),
        ("亲～～～", "亲~  "),
        ("什么时候发货？？？", "什么时候发货?  "),
        ("好的😂😂😂", "好的😂  "),
        ("a\x00b\tc", "a b c"),
        ("ＩＰＨＯＮＥ　１５", "IPHONE 15"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    ["１６５ｃｍ", "請問這個還有貨嗎！！", "👍🏻👍🏻", "在吗～～～???", "我想买 iPhone 12 🤭",
     "\u200b你好\ufeff"],
)
def test_normalize_preserves_length_so_entity_offsets_stay_valid(text: str) -> None:
    assert len(normalize(text)) == len(text)


def test_is_meaningful() -> None:
    assert is_meaningful("在吗")
    assert is_meaningful("ok")
    assert not is_meaningful("😂😂 ！！")
