"""Which of the item's catalogue facts answers the question asked.

A product question is answered from one field of the item's catalogue entry:
material, usage (washing, brewing, keeping), origin, notes (规格, 保温时长, cautions),
authenticity or the colour note. The sub-topic says which field is usual for the
question (material for 有荧光剂吗, usage for 怎么泡); the words asked can point to
another one (保温能保多久 → the notes, 晋江产的 → the origin). Each field is scored
by cue words for its kind of question and by the two-character words it shares with
the question; the best one answers first, the sub-topic's own field next.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from bot.store.models import Product
from bot.suggest.context import Situation, Turn

# field → (situation, slot)
FIELDS: Dict[str, Tuple[str, str]] = {
    "material": ("product_material", "material"),
    "usage": ("product_usage", "usage"),
    "origin": ("product_origin", "origin"),
    "notes": ("product_notes", "notes"),
    "authenticity": ("product_authenticity", "authenticity"),
    "colour_note": ("product_colour_note", "colour_note"),
}

CUES: Dict[str, re.Pattern[str]] = {
    "origin": re.compile(r"产地|哪里产|哪产|哪儿产|哪里的|产的|原产|哪里发|厂家|工厂"),
    "usage": re.compile(r"怎么(用|泡|吃|洗|喝|保存|放)|机洗|手洗|水洗|洗|泡|冲|煮|保存|保质|放多久|"
                        r"能放|缩水|掉色|褪色|发黄|洗黄|起球|掉毛|掉絮|多少度|水温|微波炉|喝|吃法|用法|保养"),
    "material": re.compile(r"材质|成分|面料|布料|含|什么做的|配料|荧光|酒精|香精|添加|防腐|纯棉|"
                           r"真丝|羊毛|不锈钢|塑料"),
    "notes": re.compile(r"保温|多久|规格|尺寸|多大|多长|多宽|掉毛|掉絮|容量|重量|多重|注意|适合|"
                        r"几岁|月龄|宝宝能|孕妇"),
    "authenticity": re.compile(r"正品|假货|假的|真的吗|正不正|质检|新货|生产日期|新鲜|合格证"),
    "colour_note": re.compile(r"色差|颜色.{0,3}(一样|差|准|偏)|实物"),
}

_CONTENT = re.compile(r"[\u4e00-\u9fff0-9]+")
_FILLER = set("吗呢吧啊呀的了么嘛哦是这那个款会能有不")


def _bigrams(text: str) -> set:
    out = set()
    for run in _CONTENT.findall(text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return {b for b in out if not (b[0] in _FILLER and b[1] in _FILLER)}


def rank(text: str, p: Product, usual: Optional[str]) -> List[str]:
    """The fields of ``p`` that answer ``text``, best first; ``usual`` (the sub-topic's
    field) wins ties and comes second when another field is better."""
    asked = _bigrams(text) - _bigrams(p.title) - {a for a in (p.aliases or [])}
    plain = _without_names(text, p)
    scores: Dict[str, float] = {}
    for name in FIELDS:
        value = getattr(p, name, None)
        if not value:
            continue
        score = 2.0 if CUES[name].search(plain) else 0.0
        score += len(asked & _bigrams(str(value)))
        if name == usual:
            score += 0.5
        if score > 0:
            scores[name] = score
    best = sorted(scores, key=lambda n: -scores[n])
    if usual and usual not in best and getattr(p, usual, None):
        best.append(usual)
    return best


def _without_names(text: str, p: Product) -> str:
    """The question without the item's own names (洗衣液 is not a washing question)."""
    for name in sorted([p.title] + list(p.aliases or []), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def cued(text: str, p: Product) -> bool:
    """Do the words ask about one of the item's fields (a cue word matches)?"""
    text = _without_names(text, p)
    return any(getattr(p, name, None) and CUES[name].search(text)
               for name in ("material", "usage", "origin", "authenticity", "colour_note"))


def fact(p: Product, name: str, score: float = 1.0) -> Situation:
    situation, slot = FIELDS[name]
    return Situation(situation, {"product": p.title, slot: getattr(p, name)},
                     [f"product.{p.item_no}.{name}"], score=score)


def answer(turn: Turn, p: Product, usual: Optional[str]) -> List[Situation]:
    """The best field's answer, then the next; nothing when no field answers."""
    return [fact(p, name, round(1.0 - 0.05 * i, 2))
            for i, name in enumerate(rank(turn.text, p, usual)[:2])]
