"""Phone numbers (mobile and landline) and ID numbers in a normalised message.

Area codes come from jionlp's table of Chinese landline codes (read as a data file,
see ``bot.privacy.places``); ID numbers must pass the GB 11643 check
(``bot.nlu.entity_rules.is_id_number``) and are not order numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, NamedTuple

from bot.nlu.entity_rules import is_id_number
from bot.privacy.places import area_codes
from bot.privacy.text import SEP, SEP_CHARS, digits_of


class Found(NamedTuple):
    kind: str  # phone | id_number | address
    start: int  # the whole entity
    end: int
    hidden_start: int  # the part masking hides (an address keeps its province/city/district)
    hidden_end: int
    shown: str  # what masking writes over the hidden part


_D = rf"{SEP}\d"
_MOBILE = re.compile(rf"(?<![0-9])(?<![0-9][\-.·])(?P<prefix>(?:\+|00)?86{SEP})?"
                     rf"(?P<num>1{SEP}[3-9](?:{_D}){{9}})(?![0-9])(?![\-.·][0-9])")
_ID = re.compile(rf"(?<![0-9A-Za-z])\d(?:{_D}){{16}}{SEP}[\dXx](?![0-9A-Za-z])")
_ORDER_CONTEXT = re.compile(r"订单|单号|运单|物流|快递|包裹|交易")
_ID_CONTEXT = re.compile(r"身份证|证件|实名|清关|身份")
_PHONE_WORD = re.compile(r"(?:座机|固话|固定电话|电话|tel|Tel|TEL)[:：是为 ]{0,3}$")


@lru_cache(maxsize=1)
def _landline() -> re.Pattern:
    codes = "|".join(sorted(area_codes(), key=len, reverse=True))
    return re.compile(rf"(?<![0-9])(?P<area>\((?:{codes})\)|(?:{codes}))"
                      rf"(?P<local>{SEP}[2-9]\d{{2,3}}{SEP}\d{{4}})(?:(?:-|转)\d{{1,5}})?(?![0-9])")


_LOCAL = re.compile(rf"(?<![0-9])[2-9]\d{{2,3}}{SEP}\d{{4}}(?![0-9])")


def _star_middle(digits: str) -> str:
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def id_numbers(norm: str) -> List[Found]:
    out = []
    for m in _ID.finditer(norm):
        number = digits_of(m.group())
        before = norm[max(0, m.start() - 12):m.start()]
        if len(number) != 18 or not is_id_number(number, before):
            continue
        if _ORDER_CONTEXT.search(before) and not _ID_CONTEXT.search(before):
            continue  # an order number that happens to look like an ID
        out.append(Found("id_number", m.start(), m.end(), m.start(), m.end(),
                         number[:3] + "*" * 11 + number[-4:]))
    return out


def phones(norm: str) -> List[Found]:
    out = []
    for m in _MOBILE.finditer(norm):
        prefix = "+86" if m.group("prefix") else ""
        out.append(Found("phone", m.start(), m.end(), m.start(), m.end(),
                         prefix + _star_middle(digits_of(m.group("num")))))
    for m in _landline().finditer(norm):
        local = digits_of(m.group("local"))
        hide = m.end("area") + len(m.group("local")) - len(m.group("local").lstrip(SEP_CHARS))
        out.append(Found("phone", m.start(), m.end(), hide, m.end(),
                         "*" * (len(local) - 4) + local[-4:]))
    for m in _LOCAL.finditer(norm):  # a local number after 电话/座机
        if _PHONE_WORD.search(norm[max(0, m.start() - 8):m.start()]):
            local = digits_of(m.group())
            out.append(Found("phone", m.start(), m.end(), m.start(), m.end(),
                             "*" * (len(local) - 4) + local[-4:]))
    return out
