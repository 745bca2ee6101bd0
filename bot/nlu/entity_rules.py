"""Character-level rules for the numeric entities buyers type.

Each rule finds candidate spans in (normalised) text and returns a label plus a
normalised value (``additional_info``) that actions can use directly:
height in cm, weight in 斤 and kg, money in 元, sizes upper-cased.
Spans are later snapped to jieba token boundaries by the spaCy component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List

from bot.nlu.numbers import CN_DIGITS, height_cm, parse_number

CN_DIGIT = "[" + "".join(CN_DIGITS) + "]"
_D = "[一二两三四五六七八九]"
# A well-formed Chinese number: 一百二十 / 一百零五 / 一百五 / 三十五 / 十 / 五, 点 decimals, 半.
CN_NUMBER = (
    "(?:" + _D + "千(?:" + _D + "百)?|" + _D + "百(?:零?" + _D + "十?" + _D + "?)?|"
    + _D + "?十" + _D + "?|" + _D + ")(?:点" + CN_DIGIT + "+)?半?"
)
NUM = r"(?:\d+(?:\.\d+)?|" + CN_NUMBER + ")"


@dataclass
class RuleMatch:
    label: str
    start: int
    end: int
    info: Dict[str, Any] = field(default_factory=dict)


def _id_checksum_ok(number: str) -> bool:
    """GB 11643 check digit and a plausible birth date for an 18-character ID."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    codes = "10X98765432"
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    if not _birth_date_ok(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return codes[total % 11] == number[17].upper()


def _birth_date_ok(number: str) -> bool:
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    return 1900 <= year <= 2030 and 1 <= month <= 12 and 1 <= day <= 31


_ID_CONTEXT = re.compile(r"身份证|证件|实名|清关|身份")


def is_id_number(number: str, before: str) -> bool:
    """An 18-character ID: valid check digit, or a birth date plus an X or an ID word nearby.

    Masking errs on the side of privacy: a mistyped check digit still counts
    when the buyer says it is an ID number.
    """
    if len(number) != 18 or not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    if _id_checksum_ok(number):
        return True
    return _birth_date_ok(number) and (
        number[-1] in "Xx" or _ID_CONTEXT.search(before) is not None)


def _digits_run(text: str) -> Iterator[RuleMatch]:
    """Long digit runs: ID numbers, phones, order numbers."""
    for m in re.finditer(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{11,20})(?![0-9A-Za-z])", text):
        s = m.group(1)
        if is_id_number(s, text[max(0, m.start(1) - 12):m.start(1)]):
            yield RuleMatch("id_number", m.start(1), m.end(1))
        elif len(s) == 11 and re.fullmatch(r"1[3-9]\d{9}", s):
            yield RuleMatch("phone", m.start(1), m.end(1), {"digits": s})
        elif 15 <= len(s) <= 20 and s.isdigit():
            yield RuleMatch("order_id", m.start(1), m.end(1), {"order_id": s})
    # Mobile numbers typed in groups: 138 1234 5678 / 138-1234-5678
    for m in re.finditer(r"(?<!\d)(1[3-9]\d)[ -](\d{4})[ -](\d{4})(?!\d)", text):
        yield RuleMatch("phone", m.start(), m.end(), {"digits": "".join(m.groups())})


def _weight(text: str) -> Iterator[RuleMatch]:
    for m in re.finditer(r"(" + NUM + r")\s*(斤|公斤|千克|kg|KG|Kg)(?![A-Za-z])", text):
        value = parse_number(m.group(1))
        if value is None:
            continue
        jin = value if m.group(2) == "斤" else value * 2
        # A body weight, not 5斤红枣: children from 20斤, adults up to 400斤.
        if 20 <= jin <= 400:
            yield RuleMatch("weight", m.start(), m.end(), {"jin": jin, "kg": jin / 2})


def _height(text: str) -> Iterator[RuleMatch]:
    for m in re.finditer(r"(\d{2,3}(?:\.\d)?)\s*(?:cm|CM|厘米|公分)", text):
        cm = float(m.group(1))
        if 50 <= cm <= 230:
            yield RuleMatch("height", m.start(), m.end(), {"cm": cm})
    for m in re.finditer(r"(?<![\d.])(1\.\d{1,2})\s*(?:米|m|M)(?![A-Za-z])", text):
        yield RuleMatch("height", m.start(), m.end(), {"cm": round(float(m.group(1)) * 100)})
    # 一米六五 / 1米65 / 一米七 / 1米7
    for m in re.finditer(r"(?<![\d.])([1一])米(\d{1,2}|" + CN_DIGIT + "{1,2})?", text):
        cm = height_cm(m.group(1), m.group(2) or "")
        if cm is not None and 100 <= cm <= 230 and m.group(2):
            yield RuleMatch("height", m.start(), m.end(), {"cm": cm})
    # 身高170 / 高165: just the number
    for m in re.finditer(r"(?:身高|高)\s*(\d{2,3})(?![\d.斤kK公米cC厘])", text):
        cm = float(m.group(1))
        if 50 <= cm <= 230:
            yield RuleMatch("height", m.start(1), m.end(1), {"cm": cm})
    # 165 110斤 / 170/65kg: a bare height right before a weight
    for m in re.finditer(r"(?<![\d.])(1[4-9]\d)(?=\s*[,/，、 ]?\s*" + NUM + r"\s*(?:斤|公斤|kg|KG))", text):
        yield RuleMatch("height", m.start(1), m.end(1), {"cm": float(m.group(1))})


def _foot(text: str) -> Iterator[RuleMatch]:
    """A foot length for shoe sizes: 脚长24.3 / 23.2cm / 脚长二十四 (20–32 cm)."""
    seen = set()
    for m in re.finditer(r"(?:脚长|脚的长度|脚掌长)\s*(?:是|有|大概|约)?\s*(\d{2}(?:\.\d{1,2})?)"
                         r"\s*(?:cm|CM|厘米|公分)?", text):
        value = float(m.group(1))
        if 20 <= value <= 32:
            seen.add(m.start(1))
            yield RuleMatch("foot_length", m.start(1), m.end(), {"cm": value})
    for m in re.finditer(r"(?<![\d.])(\d{2}\.\d{1,2})\s*(?:cm|CM|厘米|公分)", text):
        value = float(m.group(1))
        if 20 <= value <= 32 and m.start(1) not in seen:
            yield RuleMatch("foot_length", m.start(1), m.end(), {"cm": value})


_LETTER_SIZE = r"(?:[2-6]XL|X{1,4}L|XXS|XS|S|M|L)"


def _size(text: str) -> Iterator[RuleMatch]:
    for m in re.finditer(
        r"(?<![A-Za-z0-9.])(" + _LETTER_SIZE + r")(码|号)?(?![A-Za-z])", text, re.IGNORECASE
    ):
        yield RuleMatch("size", m.start(), m.end(), {"size": m.group(1).upper()})
    for m in re.finditer(r"(?<![\d.])(\d{2,3}(?:\.5)?)\s*(码|号)", text):
        yield RuleMatch("size", m.start(), m.end(), {"size": m.group(1)})
    # 平时穿38 / 一般穿40的: a shoe size said without 码
    for m in re.finditer(r"穿\s*(3[3-9]|4[0-8])(?![\d.码号斤kK公cC厘])", text):
        yield RuleMatch("size", m.start(1), m.end(1), {"size": m.group(1), "usual": True})
    # Bra sizes: 75B, 80C
    for m in re.finditer(r"(?<![0-9A-Za-z])((?:6[5-9]|[7-9][05]|100)[A-Ga-g])(?![A-Za-z])", text):
        yield RuleMatch("size", m.start(), m.end(), {"size": m.group(1).upper()})
    for m in re.finditer(r"均码|加大码|大码|小码|中码", text):
        yield RuleMatch("size", m.start(), m.end(), {"size": m.group(0)})


def _amount(text: str) -> Iterator[RuleMatch]:
    for m in re.finditer(r"[¥￥]\s*(\d+(?:\.\d+)?)", text):
        yield RuleMatch("amount", m.start(), m.end(), {"yuan": float(m.group(1))})
    for m in re.finditer(r"(" + NUM + r")(多)?\s*(块钱|块|元|rmb|RMB|毛钱|毛)", text):
        value = parse_number(m.group(1))
        if value is None:
            continue
        if m.group(3).startswith("毛"):
            value /= 10
        info: Dict[str, Any] = {"yuan": value}
        if m.group(2):
            info["more_than"] = True  # 三百多块: over 300
        yield RuleMatch("amount", m.start(), m.end(), info)


def _courier_before_kuaidi(text: str) -> Iterator[RuleMatch]:
    """Courier names that are ordinary words alone: 天天 only counts before 快递."""
    for m in re.finditer(r"天天(?=快递)", text):
        yield RuleMatch("courier", m.start(), m.end(), {"canonical": "天天"})


RULES: List[Callable[[str], Iterator[RuleMatch]]] = [
    _digits_run,
    _weight,
    _height,
    _foot,
    _size,
    _amount,
    _courier_before_kuaidi,
]


def find_all(text: str) -> List[RuleMatch]:
    """All rule matches, overlapping ones included (the caller resolves overlaps)."""
    matches: List[RuleMatch] = []
    for rule in RULES:
        matches.extend(rule(text))
    return matches


def canonical_size(text: str) -> str | None:
    for match in _size(text):
        return str(match.info["size"])
    return None
