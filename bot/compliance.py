"""Pre-send compliance check of agent replies: off-platform contacts, ad-law words, paid reviews.

The rules are data (``data/compliance/default.yml``, plus an optional
``data/shops/<shop>/compliance.yml`` that adds, replaces or disables rules) and are
validated on load: a bad file raises :class:`ComplianceError` naming the file, the key
and the problem, e.g. ``data/compliance/default.yml: rules.rude.severity: unexpected value``.

Each rule runs on one normalised *view* of the reply, so that evasions such as
"V 信", "扣 扣", "１３８ 1234 5678" or "幺三八…" are caught, while every hit is
reported as the snippet of the original reply it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Literal, Optional, Tuple, Type, TypeVar

from pydantic import BaseModel, Extra, ValidationError, constr, root_validator, validator

from bot.datafiles import read_mapping
from bot.nlu.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = Path("data") / "compliance" / "default.yml"
SHOP_FILE = "compliance.yml"

View = Literal["text", "compact", "digits"]
_ZERO_WIDTH = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
_SEPARATORS = frozenset(".-_*·・•/,，、~|")
_CN_GROUPS = ("零〇", "一幺壹", "二两贰貳兩", "三叁參", "四肆", "五伍", "六陆陸", "七柒", "八捌", "九玖")
_CN_DIGITS = {ch: str(d) for d, chars in enumerate(_CN_GROUPS) for ch in chars}


class ComplianceError(ValueError):
    """A compliance rules file that cannot be used, with file, key and problem."""


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    reason: str
    match: str  # the snippet of the original reply
    span: Optional[Tuple[int, int]] = None  # offsets of ``match`` in the original reply


@dataclass(frozen=True)
class Verdict:
    findings: Tuple[Finding, ...]

    @property
    def blocked(self) -> bool:
        return any(f.severity == "block" for f in self.findings)

    @property
    def warnings(self) -> Tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warn")

    @property
    def ok(self) -> bool:
        return not self.findings

    def payload(self) -> dict:
        return {
            "ok": self.ok,
            "blocked": self.blocked,
            "findings": [{"rule_id": f.rule_id, "severity": f.severity, "reason": f.reason,
                          "match": f.match, "span": list(f.span) if f.span else None}
                         for f in self.findings],
        }


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    reason: str
    view: str
    pattern: re.Pattern
    allow: Optional[re.Pattern] = None


@dataclass(frozen=True)
class RuleSet:
    rules: Tuple[Rule, ...]
    sources: Tuple[Path, ...] = ()

    @property
    def ids(self) -> Tuple[str, ...]:
        return tuple(r.id for r in self.rules)


# --- normalisation ---------------------------------------------------------------------------

def _char(ch: str, view: str) -> str:
    """One normalised character of ``view``; '' drops it."""
    if view != "text" and (ch.isspace() or ch in _SEPARATORS):
        return ""
    if view == "digits":
        if ch in _CN_DIGITS:
            return _CN_DIGITS[ch]
        digit = unicodedata.digit(ch, None)
        return str(digit) if digit is not None else ch
    return ch


def make_view(text: str, view: str) -> Tuple[str, List[int]]:
    """The ``view`` of ``text`` and, for each of its characters, the offset in ``text``."""
    base = normalize(text)  # full-width → half-width, traditional → simplified, same length
    if len(base) != len(text):  # pragma: no cover - normalize() promises the same length
        base = text
    chars: List[str] = []
    index: List[int] = []
    for i, (orig, ch) in enumerate(zip(text, base, strict=True)):
        if orig in _ZERO_WIDTH:
            continue
        lower = ch.lower()
        out = _char(lower if len(lower) == 1 else ch, view)
        if out:
            chars.append(out)
            index.append(i)
    return "".join(chars), index


# --- loading and validation ------------------------------------------------------------------

class _Model(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class RuleSpec(_Model):
    id: constr(regex=r"^[a-z][a-z0-9_]*$")  # type: ignore[valid-type]
    severity: Literal["block", "warn"]
    reason: constr(strip_whitespace=True, min_length=1)  # type: ignore[valid-type]
    view: View = "text"
    words: List[constr(min_length=1)] = []  # type: ignore[valid-type]
    regex: List[str] = []
    allow: List[str] = []

    @validator("regex", "allow", each_item=True)
    def _compiles(cls, value: str) -> str:  # noqa: N805
        try:
            re.compile(value)
        except re.error as e:
            raise ValueError(f"bad regex {value!r}: {e}") from e
        return value

    @root_validator(skip_on_failure=True)
    def _has_patterns(cls, values: dict) -> dict:  # noqa: N805
        if not values["words"] and not values["regex"]:
            raise ValueError("needs words or regex")
        return values

    def compile(self) -> Rule:
        words = sorted({make_view(w, self.view)[0] for w in self.words}, key=len, reverse=True)
        parts = [f"(?:{p})" for p in self.regex] + [re.escape(w) for w in words if w]
        allow = re.compile("|".join(f"(?:{p})" for p in self.allow), re.I) if self.allow else None
        return Rule(self.id, self.severity, self.reason, self.view, re.compile("|".join(parts), re.I), allow)


class RuleFile(_Model):
    rules: List[RuleSpec] = []

    @validator("rules")
    def _unique(cls, rules: List[RuleSpec]) -> List[RuleSpec]:  # noqa: N805
        seen = set()
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id '{rule.id}'")
            seen.add(rule.id)
        return rules


class ShopFile(RuleFile):
    disable: List[str] = []


def _key(data: dict, loc: tuple) -> str:
    parts = [str(p) for p in loc if p != "__root__"]
    rules = data.get("rules")
    if len(loc) > 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(rules, list) \
            and loc[2] != "id":
        rule = rules[loc[1]] if loc[1] < len(rules) else None
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            parts[1] = rule["id"]
    return ".".join(parts) or "(top level)"


_F = TypeVar("_F", bound=RuleFile)


def _read(path: Path, model: Type[_F]) -> _F:
    data = read_mapping(path, ComplianceError)
    try:
        return model(**data)
    except ValidationError as e:
        first = e.errors()[0]
        raise ComplianceError(f"{path}: {_key(data, first['loc'])}: {first['msg']}") from e


def load_rules(shop_id: Optional[str] = None, root: Optional[Path] = None) -> RuleSet:
    """The default rules merged with the shop's own file, if any (cached per shop and root).

    A shop file may ``disable`` default rule ids and add ``rules``; a shop rule with the id
    of a default rule replaces it.
    """
    return _load(shop_id, Path(root) if root is not None else ROOT)


@lru_cache(maxsize=None)
def _load(shop_id: Optional[str], root: Path) -> RuleSet:
    default_path = root / DEFAULT_FILE
    specs: Dict[str, RuleSpec] = {r.id: r for r in _read(default_path, RuleFile).rules}
    sources = [default_path]
    if shop_id is not None:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", shop_id):
            raise ComplianceError(f"bad shop id {shop_id!r}")
        shop_path = root / "data" / "shops" / shop_id / SHOP_FILE
        if shop_path.exists():
            shop = _read(shop_path, ShopFile)
            for i, rule_id in enumerate(shop.disable):
                if rule_id not in specs:
                    raise ComplianceError(f"{shop_path}: disable.{i}: unknown rule id '{rule_id}'")
                del specs[rule_id]
            specs.update((r.id, r) for r in shop.rules)
            sources.append(shop_path)
    return RuleSet(tuple(spec.compile() for spec in specs.values()), tuple(sources))


# --- checking --------------------------------------------------------------------------------

def check(text: str, rules: RuleSet) -> Verdict:
    """Every rule hit in ``text``, in rule order, reported against the original text."""
    views: Dict[str, Tuple[str, List[int]]] = {}
    findings: List[Finding] = []
    for rule in rules.rules:
        if rule.view not in views:
            views[rule.view] = make_view(text, rule.view)
        view, index = views[rule.view]
        allowed = [m.span() for m in rule.allow.finditer(view)] if rule.allow else []
        seen = set()
        for m in rule.pattern.finditer(view):
            start, end = m.span()
            if start == end or any(a <= start and end <= b for a, b in allowed):
                continue
            span = (index[start], index[end - 1] + 1)
            if span not in seen:
                seen.add(span)
                findings.append(Finding(rule.id, rule.severity, rule.reason, text[span[0]:span[1]], span))
        if rule.id == PHONE_RULE:
            findings += _phones_found_by_privacy(text, rule, seen)
    return Verdict(tuple(findings))


PHONE_RULE = "contact_phone"


def _phones_found_by_privacy(text: str, rule: Rule, seen: set) -> List[Finding]:
    """The phone rule also blocks every phone the privacy detector finds (one notion of a
    phone number for masking and compliance: ``张三 13912345678``, where the digit view
    would glue 三 to the number, ``0 13912345678``, landlines)."""
    from bot.privacy import pii_entities

    out = []
    for entity in pii_entities(text):
        span = (entity["start"], entity["end"])
        if entity["kind"] == "phone" and not any(a < span[1] and span[0] < b for a, b in seen):
            seen.add(span)
            out.append(Finding(rule.id, rule.severity, rule.reason, text[span[0]:span[1]], span))
    return out
