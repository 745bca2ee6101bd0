"""A length-preserving normal form of a message, so that detected spans point into
what the buyer typed: full-width → half-width, and Chinese digits (一二三…幺两零〇)
→ 0-9 where they form a run as long as a phone number."""

from __future__ import annotations

import re
from typing import Dict

from bot.nlu.numbers import CN_DIGITS

# One or two of these may stand between the digits of one number: 138 1234 5678, 138.1234.5678.
SEP_CHARS = " \\-.·・—–_"
SEP = f"[{SEP_CHARS}]{{0,2}}"

_FULL_TO_HALF: Dict[int, str] = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF[0x3000] = " "
_CN_DIGIT_MAP = str.maketrans({k: str(v) for k, v in CN_DIGITS.items()})
_DIGIT_LIKE = "0-9" + "".join(CN_DIGITS)
# Seven or more digits, Chinese or Arabic, with separators: 幺三八一二三四五六七八, 一 三 八 …
_CN_RUN = re.compile(f"[{_DIGIT_LIKE}](?:{SEP}[{_DIGIT_LIKE}]){{6,}}")


def normalise(text: str) -> str:
    """``text`` with the same length, half-width, Chinese digit runs as 0-9."""
    half = text.translate(_FULL_TO_HALF)
    if not any(ch in CN_DIGITS for ch in half):
        return half
    return _CN_RUN.sub(lambda m: m.group().translate(_CN_DIGIT_MAP), half)


def digits_of(fragment: str) -> str:
    """The digits (and an ID's final X) of a normalised fragment, separators dropped."""
    return re.sub(r"[^0-9Xx]", "", fragment).upper()
