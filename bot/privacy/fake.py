"""Fake personal data for training exports: the buyer's wording stays, each phone, ID
number and street is replaced by a made-up one of the same form (a mobile stays a
mobile written the same way, an ID keeps a valid check digit), and entity spans are
moved with the text.

The fakes are drawn from a generator seeded with the *masked* message, so an export
is repeatable and the fake says nothing about the real value.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any, Dict, List, Sequence, Tuple

from bot.nlu.numbers import CN_DIGITS
from bot.privacy import Found, find, mask
from bot.privacy.text import digits_of, normalise

_CN_FOR = {0: "零", 1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}
_STREETS = ["建设路", "人民路", "和平街", "光明巷", "解放大道", "幸福路", "长青街", "朝阳路", "新华路",
            "学府路", "文化路", "青年大街"]
_VILLAGES = ["张家村", "李家村", "杨柳村", "新庄村"]
_REGIONS = ["110105", "310115", "320106", "330106", "420106", "440305", "510107", "610113"]
_X = "XxＸｘ"
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _digit_value(ch: str) -> int | None:
    if ch.isdigit() and ch.isascii():
        return int(ch)
    if "\uff10" <= ch <= "\uff19":
        return ord(ch) - 0xFF10
    return CN_DIGITS.get(ch)


def _write_like(original: str, digits: str) -> str:
    """``digits`` written over the digit characters of ``original``, each in the script
    of the one it replaces (１３８, 幺三八, 138); separators and brackets stay."""
    out, it = [], iter(digits)
    for ch in original:
        if _digit_value(ch) is None and ch not in _X:
            out.append(ch)
            continue
        new = next(it, ch)
        if ch.isascii() or ch in _X:
            out.append(new)
        elif "\uff10" <= ch <= "\uff19":
            out.append("Ｘ" if new == "X" else chr(0xFF10 + int(new)))
        else:
            out.append("X" if new == "X" else _CN_FOR[int(new)])
    return "".join(out)


def fake_id(rng: random.Random) -> str:
    body = (rng.choice(_REGIONS) + f"{rng.randint(1965, 2004)}{rng.randint(1, 12):02d}"
            f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def _fake_address(rng: random.Random, original: str) -> str:
    if "村" in original:
        return f"{rng.choice(_VILLAGES)}{rng.randint(1, 9)}组{rng.randint(1, 60)}号"
    street = f"{rng.choice(_STREETS)}{rng.randint(1, 399)}号"
    if any(u in original for u in ("栋", "幢", "单元", "室", "-")):
        street += f"{rng.randint(1, 20)}栋{rng.randint(1, 3)}单元{rng.randint(101, 2602)}"
    return street


def _fake(rng: random.Random, text: str, f: Found) -> str:
    original = text[f.hidden_start:f.hidden_end]
    if f.kind == "address":
        return _fake_address(rng, original)
    count = sum(_digit_value(ch) is not None for ch in original)
    if f.kind == "id_number":
        return _write_like(original, fake_id(rng))
    digits = digits_of(normalise(original))
    if count in (11, 13, 15) and f.hidden_start == f.start:  # a mobile, maybe after 86 / 0086
        mobile = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        return _write_like(original, digits[:-11] + mobile)
    local = str(rng.randint(2, 9)) + "".join(rng.choice("0123456789") for _ in range(count - 1))
    return _write_like(original, local)  # a landline: its area code is kept


def replacements(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, fake) for each piece of personal data in ``text``."""
    rng = random.Random(hashlib.sha256(mask(text).encode("utf-8")).digest())
    out = []
    for f in find(text):
        new = _fake(rng, text, f)
        while new == text[f.hidden_start:f.hidden_end]:
            new = _fake(rng, text, f)
        out.append((f.hidden_start, f.hidden_end, new))
    return out


def _moved(pos: int, edits: Sequence[Tuple[int, int, str]], is_end: bool) -> int:
    """Where ``pos`` (an entity's start or end) lands once ``edits`` are made."""
    shift = 0
    for start, end, new in edits:
        if start < pos < end or pos == (end if is_end else start):
            return start + shift + (len(new) if is_end else 0)
        if pos >= end:
            shift += len(new) - (end - start)
    return pos + shift


def with_fakes(text: str, entities: Sequence[Dict[str, Any]] = ()) -> Tuple[str, List[Dict[str, Any]]]:
    """``text`` with fake personal data, and ``entities`` ({start, end, …}) moved to fit:
    a span touching a replaced value grows to cover the whole fake."""
    edits = replacements(text)
    out, cursor = [], 0
    for start, end, new in edits:
        out += [text[cursor:start], new]
        cursor = end
    faked = "".join(out + [text[cursor:]])
    moved = []
    for e in entities:
        start, end = _moved(e["start"], edits, False), _moved(e["end"], edits, True)
        moved.append({**e, "start": start, "end": end, "value": faked[start:end]})
    return faked, moved
