"""Numbers as buyers write them: 165, 1.65, 一米六五, 一百二十, 两百, 三十五."""

from __future__ import annotations

import re

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "点半"


def parse_cn_integer(text: str) -> int | None:
    """一百二十 → 120, 十五 → 15, 两百 → 200, 一二零 → 120 (digit by digit)."""
    if not text:
        return None
    if all(ch in CN_DIGITS for ch in text):
        if len(text) == 1:
            return CN_DIGITS[text]
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            unit = CN_UNITS[ch]
            if unit == 10000:
                total = (total + section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    # 一百五 means 150: a trailing digit after a unit takes the next lower unit.
    if digit is not None and len(text) >= 2 and text[-2] in CN_UNITS:
        digit *= CN_UNITS[text[-2]] // 10 or 1
    return total + section + (digit or 0)


def parse_number(text: str) -> float | None:
    """Arabic or Chinese number, with 点 or . decimals and 半 (= .5)."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    half = 0.5 if text.endswith("半") else 0.0
    text = text[:-1] if half else text
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = parse_cn_integer(whole) if whole else 0
        if w is None or not frac or not all(ch in CN_DIGITS for ch in frac):
            return None
        return float(f"{w}.{''.join(str(CN_DIGITS[ch]) for ch in frac)}")
    value = parse_cn_integer(text)
    return None if value is None else value + half


def height_cm(metres: str, rest: str) -> float | None:
    """一米六五 / 1米65 / 1米7 → centimetres (metres part, the part after 米)."""
    m = parse_number(metres)
    if m is None:
        return None
    if not rest:
        return m * 100
    if all(ch in CN_DIGITS for ch in rest) or rest.isdigit():
        digits = rest if rest.isdigit() else "".join(str(CN_DIGITS[ch]) for ch in rest)
        if len(digits) == 1:
            return m * 100 + int(digits) * 10
        return m * 100 + int(digits[:2])
    cm = parse_cn_integer(rest)  # 一米六十五 (rare)
    return None if cm is None else m * 100 + cm


_COUNTERS = "个件杯盒条双包袋罐饼瓶套只份床提箱"
_COUNT = re.compile(r"(\d{1,3}|[" + "".join(CN_DIGITS) + r"十]{1,3})\s*([" + _COUNTERS + "])")


def quantity(text: str) -> int | None:
    """How many the buyer means to buy: 买两个, 2件, 三盒 → 2, 2, 3 (None if not said).
    斤/kg and other measures are not counts; 这个/那件 carry no number."""
    for m in _COUNT.finditer(text):
        start = m.start()
        if start and (text[start - 1].isdigit() or text[start - 1] in "×x*第"):
            continue
        n = int(m.group(1)) if m.group(1).isdigit() else parse_cn_integer(m.group(1))
        if n and 0 < n < 1000:
            return n
    return None
