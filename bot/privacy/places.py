"""Street-level addresses, with China's administrative divisions from jionlp's data.

jionlp (pinned in requirements.txt) ships the 2020 list of provinces, cities and
counties with their short names (``dictionary/china_location.zip``) and the landline
area codes. Only those data files are read, straight from the installed package:
``import jionlp`` costs ~0.4 s, ~40 MB and prints a banner on stdout, and its
``parse_location`` takes ~7 ms a call, too slow for every log line.

A province, city or district alone is not personal data. An address is personal
from the street down: a name ending in 路/街/大道/巷/弄/胡同/村/小区/… followed by a
house number (文三路88号, 王家村3组), building units (阳光花园3栋2单元501,
1203室), or, without a number, a street name placed by a division or by an address
word (武汉市洪山区珞喻路, 寄到江汉路); then on over a building's name and its units
(…1037号东湖宾馆8号楼302). Masking keeps the divisions and stars the rest.
"""

from __future__ import annotations

import importlib.util
import os
import re
import zipfile
from functools import lru_cache
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

_HAN = "\u4e00-\u9fff"
_CN_NUM = "一二三四五六七八九十两"
# Characters that end a street's name when reading backwards from its suffix.
_BOUNDARY = set("在到是址寄送发住去的了我你他她它们给往从请帮麻烦想要就还也"
                "么吗呢吧啊呀哦嗯这那哪能可以收货邮改成为号栋幢室")
_UNIT = "号楼|号院|号别墅|号|栋|幢|座|塔|单元|室|楼|层|期|段|区|门|弄|巷|组|队|户"
_PIECE = (rf"(?:[A-Za-z]?\d{{1,5}}(?:-\d{{1,5}}){{0,2}}(?!\d)[A-Za-z]?(?:{_UNIT})?"
          rf"|[A-Za-z](?:{_UNIT})|[{_CN_NUM}]{{1,3}}(?:{_UNIT})|[东西南北]{{1,2}}门)")
_CHAIN = re.compile(rf"(?:[ #\-]?{_PIECE})*")
_NUMBER = rf"(?:\d{{1,5}}(?!\d)|[{_CN_NUM}百零]{{1,4}})"
# Anchors, strongest first: a street with its number, a village with its group, a unit.
_STREET_NUMBER = re.compile(rf"(?:大道|大街|路|街|道|巷|弄|胡同)(?:[东西南北中上下{_CN_NUM}]段)?{_NUMBER}"
                            r"(?:号院|号|弄|巷)")
# After an address, a building's name and its units still belong to it: 珞喻路1037号
# 东湖宾馆8号楼302, 解放大道1号金融中心21楼2103. Plain 号 is no unit here (明天3号).
_BUILDING_UNIT = re.compile(rf"(?:[A-Za-z]?\d{{1,5}}[A-Za-z]?|[A-Za-z]|[{_CN_NUM}]{{1,3}})"
                            r"(?:号楼|号院|号别墅|栋|幢|座|塔|单元|室|楼|层|期|区|门)"
                            r"|(?<![0-9])\d{3,5}(?![0-9])|[东西南北]{1,2}门")
_VILLAGE = re.compile(rf"村(?:{_NUMBER}|[{_HAN}]{{1,3}}?)(?:组|队|社|号)")
_UNITS = re.compile(rf"(?<!第)(?:[A-Za-z]?\d{{1,4}}[A-Za-z]?|[{_CN_NUM}]{{1,3}})(?:号楼|号院|栋|幢|单元)"
                    r"|(?<![0-9])\d{3,5}室|(?<![A-Za-z0-9])[A-Za-z0-9]{1,2}座(?=\d)")
_HOUSE_NUMBER = re.compile(r"门牌号?(?:码)?[是为:：\s]{0,2}(?=[A-Za-z]?\d)")
_NAMED = re.compile(r"大道|大街|路|街(?!道)|巷|弄|胡同|村|小区|花园|家园|公寓|大厦|社区|新村|苑")
_DISTRICT_NUMBER = re.compile(r"\d{1,5}号")
_ADDRESS_WORD = re.compile(r"(?:地址|住址|地点|寄到|寄往|寄去|寄至|送到|送往|送至|发到|发往|发去|邮到|"
                           r"收货|住在|家在|家住|位于|搬到|改到|改成|换成)[是为在:：\s]{0,2}$")
# Everyday words that end like a street (逛街, 知道, 味道, 农村, 马路); a one-character
# name never makes a street (一路顺风).
_ORDINARY = set("马路 公路 铁路 走路 线路 电路 网路 思路 套路 出路 道路 顺路 半路 迷路 带路 让路 开路 上路 "
                "过路 逛街 上街 街道 知道 味道 频道 管道 通道 渠道 轨道 地道 难道 说道 报道 厚道 霸道 人道 "
                "车道 跑道 走道 过道 农村 乡村 山村 渔村 本村 小巷 街巷".split())
_AMBIGUOUS_SUFFIX = {"道", "街", "路"}


class Division(NamedTuple):
    start: int
    end: int
    full: bool  # ends like a division (洪山区, 武汉市), unlike 洪山, 香港: those can name a street
    county: bool  # a county's name only (洪山, 和平), never a province's or a city's


def _jionlp_dictionary() -> str:
    spec = importlib.util.find_spec("jionlp")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jionlp is not installed (pip install -r requirements.txt)")
    return os.path.join(list(spec.submodule_search_locations)[0], "dictionary")


@lru_cache(maxsize=1)
def division_names() -> Dict[str, Tuple[bool, bool]]:
    """Province, city and county names and their short names → (whether the name ends
    in a division's word (省市区县州盟旗): 江汉路 and 香港中路 are streets, 洪山区路 is not;
    whether only a county has that name)."""
    with zipfile.ZipFile(os.path.join(_jionlp_dictionary(), "china_location.zip")) as z:
        data = z.read("china_location.txt").decode("utf-8")
    names: Dict[str, Tuple[bool, bool]] = {}
    for tabs, full, aliases in re.findall(r"^(\t{0,2})([^\t\n]+)\t\d{6}\t([^\r\n]*)", data, re.M):
        for name in [full, *aliases.split("/")]:
            if len(name) >= 2:
                county = len(tabs) == 2 and names.get(name, (False, True))[1]
                names[name] = (name[-1] in "省市区县州盟旗", county)
    return names


@lru_cache(maxsize=1)
def area_codes() -> FrozenSet[str]:
    """Landline area codes (010, 027, 0755, …)."""
    with open(os.path.join(_jionlp_dictionary(), "landline_phone_area_code.txt"), encoding="utf-8") as f:
        return frozenset(line.split()[0] for line in f if re.match(r"0\d{2,3}\s", line))


@lru_cache(maxsize=1)
def _first_chars() -> FrozenSet[str]:
    return frozenset(name[0] for name in division_names())


def divisions(norm: str) -> List[Division]:
    """Longest-first, left-to-right matches of division names."""
    names, first = division_names(), _first_chars()
    out, i, n = [], 0, len(norm)
    while i < n:
        if norm[i] not in first:
            i += 1
            continue
        for length in range(min(11, n - i), 1, -1):
            known = names.get(norm[i:i + length])
            if known is not None:
                out.append(Division(i, i + length, *known))
                i += length
                break
        else:
            i += 1
    return out


def _name_char(ch: str) -> bool:
    return bool(re.match(f"[{_HAN}A-Za-z]", ch)) and ch not in _BOUNDARY


def _name_start(norm: str, at: int, ends: Dict[int, Division]) -> int:
    """Where the proper name before ``at`` begins: up to 10 characters back, stopping at
    punctuation, a function word or a division that places it (武汉市洪山区|珞喻路).
    A division name inside a longer name is part of it (金都新城小区, 软件园西区), and so
    is a county's short name that no other division places (和平里东街); a short one
    right before the suffix names the street (江汉路, 北京中路)."""
    i = at
    while i > 0 and at - i < 10:
        division = ends.get(i)
        if division is not None:
            placed = division.start in ends  # 武汉市|洪山区
            alone = division.start == 0 or not _name_char(norm[division.start - 1])
            if placed or (alone and (division.full or not division.county)):
                break
        if not _name_char(norm[i - 1]):
            break
        i -= 1
    division = ends.get(i)
    if division is not None and not division.full and at - i < 2:
        i = division.start
    return i


def _prefix_start(start: int, ends: Dict[int, Division]) -> int:
    while start in ends:
        start = ends[start].start
    return start


class Address(NamedTuple):
    start: int  # with its province/city/district
    detail: int  # where the hidden part begins
    end: int


def addresses(norm: str) -> List[Address]:
    if not re.search(r"[路街道巷弄胡村区园寓厦苑号栋幢单室座牌]", norm):
        return []
    ends = {d.end: d for d in divisions(norm)}
    out: List[Address] = []

    def add(at: int, anchor_end: int, numbered: bool, suffix: str) -> None:
        if any(a.detail <= at < a.end for a in out):
            return
        name = _name_start(norm, at, ends)
        if not suffix and at - name < 2:
            name = at  # 放1203室: a verb, not the name of a building
        head = _prefix_start(name, ends)
        context = head < name or _ADDRESS_WORD.search(norm[max(0, head - 8):head]) is not None
        word = norm[name:at] + suffix
        if suffix in _AMBIGUOUS_SUFFIX or suffix == "村" or not numbered:
            if at - name < 2 or any(word.endswith(w) for w in _ORDINARY):
                return
        if not numbered and not context:
            return
        end = anchor_end + len(_CHAIN.match(norm, anchor_end).group())
        out.append(Address(head, name, end))

    for m in _STREET_NUMBER.finditer(norm):
        suffix = re.match(r"大道|大街|胡同|.", m.group()).group()
        add(m.start(), m.end(), True, suffix)
    for m in _VILLAGE.finditer(norm):
        add(m.start(), m.end(), True, "村")
    for m in _UNITS.finditer(norm):
        chain = _CHAIN.match(norm, m.end()).group()
        named = _name_start(norm, m.start(), ends) < m.start() or m.start() in ends
        if not chain and not m.group().endswith("室") and (not named or m.group()[0] in _CN_NUM):
            continue  # 一单元, 买三栋: a lesson, a count, not a home
        add(m.start(), m.end(), True, "")
    for m in _DISTRICT_NUMBER.finditer(norm):  # 西陵区12号3-1201
        division: Optional[Division] = ends.get(m.start())
        if division is not None and division.full and norm[m.start() - 1] in "区县旗镇乡":
            add(m.start(), m.end(), True, "")
    for m in _HOUSE_NUMBER.finditer(norm):  # 门牌号是12-301
        chain = _CHAIN.match(norm, m.end()).group()
        if chain:
            out.append(Address(m.end(), m.end(), m.end() + len(chain)))
    for m in _NAMED.finditer(norm):
        add(m.start(), m.end(), False, m.group())
    merged: List[Address] = []
    for a in sorted(out, key=lambda a: a.detail):  # 文三路88号 + 金桥花园3栋: one address
        a = a._replace(end=_building(norm, a.end))
        if merged and a.detail <= merged[-1].end:
            merged[-1] = merged[-1]._replace(end=max(a.end, merged[-1].end))
        else:
            merged.append(a)
    return merged


def _building(norm: str, end: int) -> int:
    """``end`` moved over building names and their units (≤ 12 characters of name,
    no punctuation, space or function word in between)."""
    while True:
        gap = end
        while gap < len(norm) and gap - end < 12 and (
                re.match(f"[{_HAN}A-Za-z0-9]", norm[gap]) and norm[gap] not in _BOUNDARY):
            if _BUILDING_UNIT.match(norm, gap):
                break
            gap += 1
        unit = _BUILDING_UNIT.match(norm, gap)
        if unit is None or unit.end() <= end:
            return end
        end = unit.end() + len(_CHAIN.match(norm, unit.end()).group())
