"""The trained pipeline parses any text: characters of every Unicode general category,
alone, repeated, inside Chinese, and mixed, each get a valid parse (never an exception)."""

from __future__ import annotations

import sys
import unicodedata
from functools import lru_cache
from typing import Any, Dict, List

import pytest

pytestmark = pytest.mark.model

CATEGORIES = ("Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So "
              "Zs Zl Zp Cc Cf Cs Co Cn").split()
INVISIBLE = "\u200b\u200c\u200d\ufeff\ufe0f"


@lru_cache(maxsize=1)
def samples() -> Dict[str, List[str]]:
    """Per category: its first code point, one from the middle and its last."""
    found: Dict[str, List[int]] = {c: [] for c in CATEGORIES}
    for code in range(sys.maxunicode + 1):
        found[unicodedata.category(chr(code))].append(code)
    return {c: [chr(codes[0]), chr(codes[len(codes) // 2]), chr(codes[-1])]
            for c, codes in found.items()}


def assert_valid(text: str, result: Dict[str, Any]) -> None:
    assert result["text"] == text
    assert isinstance(result["intent"], str) and result["intent"]
    assert 0.0 <= result["confidence"] <= 1.0
    names = [r["name"] for r in result["intent_ranking"]]
    assert result["intent"] in names or result["intent"] == "nlu_fallback"
    assert all(0.0 <= r["confidence"] <= 1.0 for r in result["intent_ranking"])
    assert all(isinstance(t, str) for t in result["tokens"])
    for entity in result["entities"]:  # offsets point into the text as sent
        assert 0 <= entity["start"] < entity["end"] <= len(text), entity


def test_every_category_has_samples() -> None:
    assert set(samples()) == set(CATEGORIES)
    assert all(len(chars) == 3 for chars in samples().values())


@pytest.mark.parametrize("category", CATEGORIES)
def test_characters_of_each_category_alone_repeated_and_in_chinese(parser: Any,
                                                                    category: str) -> None:
    for ch in samples()[category]:
        for text in (ch, ch * 3, ch + "你好", "在吗" + ch + "什么时候发货", ch + " " + ch,
                     "订单号123456789012" + ch, ch * 600):
            assert_valid(text, parser.parse(text))


@pytest.mark.parametrize("text", [
    "".join(chars[0] for chars in samples().values()),         # one of every category
    "".join(chars[1] for chars in samples().values()) * 20,    # and past the NLU view
    "".join(c for chars in samples().values() for c in chars),
    INVISIBLE, INVISIBLE * 50, "\x00", "\x00" * 10, "", " ", "\t\n\r", "\u3000",
    "\u202e你好\u202c", "\u200f\u0645\u0631\u062d\u0628\u0627 你好",   # bidi controls, Arabic
    "e\u0301\u0302\u0303" * 10, "\u0300", "🙂", "👨\u200d👩\u200d👧", "🇨🇳🇺🇸", "1\ufe0f\u20e3",
    "\ud83d", "\ude00你好", "你\ud800好",                       # lone surrogates (parser only)
    "\U0010ffff\U000e0001\uffff\ufffe", "/greet", "/", "<b>急</b>", "我要<XL>码的",
    "Привет 你好 안녕하세요 สวัสดี नमस्ते",
])
def test_mixtures_parse(parser: Any, text: str) -> None:
    assert_valid(text, parser.parse(text))


@pytest.mark.parametrize("text", [INVISIBLE, "\x00", "   ", "", "\u2028\u2029"])
def test_text_with_nothing_to_read_is_out_of_scope(parser: Any, text: str) -> None:
    result = parser.parse(text)
    assert result["intent"] == "nlu_fallback" and result["tokens"] == []


def test_a_long_message_is_read_through_its_first_characters(parser: Any) -> None:
    from bot.nlu.parser import NLU_VIEW_CHARS

    text = "我的快递什么时候发货" + "！" * 3000 + "在吗"
    result = parser.parse(text)
    assert result["intent"] == "shipping_query"
    assert result["nlu_chars"] == NLU_VIEW_CHARS and result["text"] == text
