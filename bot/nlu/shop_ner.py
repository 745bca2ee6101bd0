"""spaCy pipeline for shop entities: zh language, jieba segmentation, EntityRuler.

The pipeline has two pipes:

- ``entity_ruler``: phrase patterns for couriers and places, built from the
  jieba shop dictionary (words tagged ``courier`` / ``location``), matched on
  lower-cased tokens so ``EMS``/``ems``/``sf`` all hit;
- ``shop_number_rules``: the character rules of :mod:`bot.nlu.entity_rules`
  (order numbers, phones, ID numbers, height, weight, size, money), snapped to
  token boundaries with ``Doc.char_span(alignment_mode="expand")``.

Overlaps are resolved with ``spacy.util.filter_spans`` (longest span wins), so
every entity starts and ends on a jieba token boundary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from bot.nlu.entity_rules import find_all
from bot.nlu.segmenter import Segmenter

# Canonical names for courier aliases buyers type.
COURIER_ALIASES = {
    "sf": "顺丰", "顺丰速运": "顺丰", "ems": "EMS", "中国邮政": "邮政", "邮政小包": "邮政",
    "汇通": "百世汇通", "百世": "百世汇通", "yto": "圆通", "zto": "中通", "京东物流": "京东",
    "天天快递": "天天",
}
ENTITY_LABELS = ("order_id", "location", "height", "weight", "foot_length", "size", "courier",
                 "amount", "phone", "id_number")

if not Span.has_extension("info"):
    Span.set_extension("info", default=None)


@Language.component("shop_number_rules")
def shop_number_rules(doc: Doc) -> Doc:
    spans: List[Span] = list(doc.ents)
    for match in find_all(doc.text):
        span = doc.char_span(match.start, match.end, label=match.label,
                             alignment_mode="expand")
        if span is not None:
            span._.info = match.info
            spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


class _JiebaAdapter:
    """Lets spaCy's zh tokenizer call our private segmenter instead of global jieba."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter

    def cut(self, text: str, cut_all: bool = False) -> Iterable[str]:
        return self.segmenter.words(text)


def phrase_patterns(words_by_label: Dict[str, Sequence[str]]) -> List[Dict[str, Any]]:
    patterns = []
    for label, words in words_by_label.items():
        for word in words:
            canonical = COURIER_ALIASES.get(word.lower(), word) if label == "courier" else word
            patterns.append({"label": label, "pattern": word.lower(), "id": canonical})
    return patterns


def dictionary_patterns(dictionary_dir: Path) -> List[Dict[str, Any]]:
    """Phrase patterns from jieba dictionary lines tagged ``courier`` or ``location``."""
    from bot.nlu.segmenter import dictionary_files

    words: Dict[str, List[str]] = {"courier": [], "location": []}
    for path in dictionary_files(dictionary_dir):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2] in words:
                words[parts[2]].append(parts[0])
    return phrase_patterns(words)


class ShopNER:
    """A spaCy ``zh`` pipeline that finds shop entities in jieba-segmented text."""

    def __init__(self, patterns: List[Dict[str, Any]],
                 segmenter: Segmenter | None = None) -> None:
        self.patterns = patterns
        self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        if segmenter is None:
            # Phrase patterns are tokenized like messages are: each is one jieba word.
            segmenter = Segmenter()
            segmenter.add_words(p["pattern"] for p in patterns if isinstance(p["pattern"], str))
        self.nlp.tokenizer.jieba_seg = _JiebaAdapter(segmenter)
        ruler = self.nlp.add_pipe(
            "entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": True}
        )
        ruler.add_patterns(patterns)  # type: ignore[attr-defined]
        self.nlp.add_pipe("shop_number_rules")

    def doc_from_tokens(self, text: str, tokens: Sequence[Tuple[str, int]]) -> Doc:
        """A Doc whose tokens are exactly the given (word, start) jieba tokens."""
        words = [w for w, _ in tokens]
        spaces = []
        for i, (word, start) in enumerate(tokens):
            end = start + len(word)
            nxt = tokens[i + 1][1] if i + 1 < len(tokens) else len(text)
            spaces.append(nxt > end)
        return Doc(self.nlp.vocab, words=words, spaces=spaces)

    def entities(self, text: str, tokens: Sequence[Tuple[str, int]]) -> List[Dict[str, Any]]:
        """Rasa-style entity dicts with offsets into ``text``."""
        if not tokens:
            return []
        doc = self.nlp(self.doc_from_tokens(text, tokens))
        found = []
        for ent in doc.ents:
            start = tokens[ent.start][1]
            last_word, last_start = tokens[ent.end - 1]
            end = last_start + len(last_word)
            info = dict(ent._.info or {})
            if ent.ent_id_ and ent.ent_id_ != text[start:end]:
                info["canonical"] = ent.ent_id_
            entity: Dict[str, Any] = {
                "entity": ent.label_,
                "start": start,
                "end": end,
                "value": text[start:end],
            }
            if info:
                entity["additional_info"] = info
            found.append(entity)
        return found
