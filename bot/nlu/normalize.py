"""Length-preserving normalisation of buyer text.

Every function here maps a string to a string of *the same length*, so entity
offsets computed on the normalised text are valid offsets into what the buyer
actually typed. Characters that carry no meaning for intent or entities
(repeated punctuation, emoji modifiers, control characters) become spaces,
which the tokenizer then drops.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Punctuation that buyers repeat for emphasis: ！！！ ??? ～～～ 。。。 ……
_REPEATABLE = "!?~.,。，！？～~…、·-=_*"
_REPEAT_RE = re.compile("([" + re.escape(_REPEATABLE) + r"])\1+")
# Emoji presentation modifiers / joiners / variation selectors that follow a base emoji.
_EMOJI_JOINERS = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
# A run of the same emoji: keep one.
_EMOJI_RUN = re.compile(r"([\U0001F000-\U0001FAFF\u2600-\u27BF])\1+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200c\u2028\u2029\ufeff]")


def _fullwidth_to_halfwidth(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:  # ideographic space
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:  # full-width ASCII block
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # pragma: no cover - opencc is a pinned dependency
        return None


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese, same length guaranteed."""
    converter = _t2s()
    if converter is None or text.isascii():
        return text
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase mapping changed the length: fall back to character by character.
    return "".join(
        c if len(c) == 1 else ch for ch, c in ((ch, converter.convert(ch)) for ch in text)
    )


def _blank_repeats(match: re.Match[str]) -> str:
    run = match.group(0)
    return run[0] + " " * (len(run) - 1)


# A platform order card pasted into the chat (订单编号:… 订单金额:… 下单时间:…): its labels
# and times say nothing about what the buyer asks, so they become spaces; the order
# number and the amounts stay (entities). Only a card with its 订单编号 line counts.
_CARD_ID = re.compile(r"(订单编号|订单号)\s*[:：]\s*(?=\d)")
_CARD_FIELD = re.compile(r"(?:订单金额|实付款|实付金额|运费)\s*[:：]"
                         r"|(?:下单时间|付款时间|成交时间|创建时间)\s*[:：]\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
                         r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def blank_order_card(text: str) -> str:
    if not _CARD_ID.search(text):
        return text
    return _CARD_FIELD.sub(_blank, _CARD_ID.sub(_blank, text))


def normalize(text: str) -> str:
    """Normalise buyer text for NLU without changing its length.

    - control and zero-width characters → space
    - full-width letters, digits and punctuation → half-width (１６５ｃｍ → 165cm)
    - lower-case ASCII letters are kept as typed; classifiers use case-insensitive features
    - traditional → simplified characters (請問 → 请问)
    - repeated punctuation and tildes keep their first character (！！！ → "!  ")
    - emoji skin-tone/joiner/variation code points → space; a run of one emoji keeps one
    - a pasted order card's labels and times → spaces (its order number and amounts stay)
    """
    if not text:
        return text
    text = _CONTROL.sub(" ", text)
    text = _fullwidth_to_halfwidth(text)
    text = to_simplified(text)
    text = _EMOJI_JOINERS.sub(" ", text)
    text = _EMOJI_RUN.sub(_blank_repeats, text)
    text = _REPEAT_RE.sub(_blank_repeats, text)
    return blank_order_card(text)


def is_meaningful(text: str) -> bool:
    """True when the text holds at least one letter, digit or CJK character."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)
