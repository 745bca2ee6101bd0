"""The buyer's mood: anger and urgency, and what a long complaint is about.

An angry or urgent buyer gets an apology before anything else and the conversation
is flagged for a supervisor (``escalate``). A long complaint is acknowledged with
its own facts — what broke, what the buyer asks for — not a generic line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional

_ANGRY_EMOJI = re.compile("[\U0001F624\U0001F621\U0001F92C\U0001F4A2\U0001F47F\U0001F620"
                          "\U0001F62D\U0001F92F\U0001F612\U0001F644]")
_ANGRY_WORDS = re.compile(
    r"怎么还不|还不发|还没发|还没到|还没退|太不近人情|不近人情|12315|差评|投诉|垃圾|骗子|骗人|"
    r"什么破|破玩意|气死|无语|坑人|黑店|忽悠|态度太差|太差了|太过分|过分|恶心|受不了|"
    r"再不.{0,6}(就|我)|曝光|工商|消协|举报|维权|敷衍|耍我|有病")
_REPEATED = re.compile(r"[!！]{2,}|[?？]{3,}")
_URGENT = re.compile(r"急用|着急|急死|很急|急急|赶紧|马上|立刻|尽快|快点|今天必须|明天就要|等着用|来不及|"
                     r"好几天了?还没|这么久|等了?好久|几天了?都?没|到底|明天要|后天要|赶时间|要去外地|要出门")
LONG = 120  # characters: a rant, acknowledged with its own facts

_PROBLEM = re.compile(
    r"([\u4e00-\u9fa5]{1,6}?)(坏了|破了|断了|裂了|碎了|开线了?|脱线|掉色|褪色|起球|漏了|漏水|"
    r"发霉|变质|有异味|有味道|臭|不亮|不转|生锈|划痕|缩水|变形|少了|错了)")
_REQUEST = re.compile(r"(退款|退货|换货|换一个|补发|赔偿|补偿|退钱|重发)")
_LEAD = re.compile(r"^(我|的|了|就|都|也|还|又|才|刚|这个|那个|收到|结果|发现|一看|打开)+")


@dataclass(frozen=True)
class Mood:
    angry: bool = False
    urgent: bool = False
    long: bool = False
    cues: List[str] = field(default_factory=list)
    problem: Optional[str] = None   # 拉链坏了, 杯盖漏水
    request: Optional[str] = None   # 退款, 换货

    @property
    def upset(self) -> bool:
        return self.angry or self.urgent

    def as_dict(self) -> dict:
        return {"angry": self.angry, "urgent": self.urgent, "long": self.long,
                "cues": list(self.cues), "problem": self.problem, "request": self.request}


def read_mood(text: str) -> Mood:
    cues: List[str] = []
    cues += [m.group(0) for m in _ANGRY_EMOJI.finditer(text)][:2]
    cues += [m.group(0) for m in _ANGRY_WORDS.finditer(text)][:3]
    cues += [m.group(0) for m in _REPEATED.finditer(text)][:1]
    urgent = [m.group(0) for m in _URGENT.finditer(text)][:2]
    long = len(text) >= LONG
    problem = None
    found = _PROBLEM.search(text)
    if found:
        subject = _LEAD.sub("", found.group(1))
        problem = (subject + found.group(2)) if subject else found.group(2)
    request = None
    asked = _REQUEST.search(text)
    if asked:
        request = asked.group(1)
    return Mood(angry=bool(cues) or (long and problem is not None), urgent=bool(urgent),
                long=long, cues=cues + urgent, problem=problem, request=request)
