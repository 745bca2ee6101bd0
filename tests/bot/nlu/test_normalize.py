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


def test_a_pasted_order_card_keeps_its_number_and_the_question_only() -> None:
    card = ("订单编号:5563019874412308\n订单金额:129.00\n下单时间:2026-11-18 09:27:51\n"
            "买的藏青M 发来的是豆沙粉L")
    out = normalize(card)
    assert len(out) == len(card)  # offsets stay valid
    assert "5563019874412308" in out and "买的藏青M 发来的是豆沙粉L" in out
    assert "订单金额" not in out and "2026-11-18" not in out
    assert "129.00" in out  # an amount may matter (运费是不是算错了)


def test_an_amount_without_a_card_is_kept() -> None:
    assert "129.00" in normalize("订单金额:129.00 能便宜吗")
