"""Reviewed messages as Rasa NLU training data (``data/nlu/reviewed.yml``).

Confirmed and relabelled messages of every shop become examples of their intent,
with entity annotations (``[110斤](weight)``). Personal data never leaves in an
export, and the buyer's wording is kept exactly: each phone, ID number and street
address is replaced by a fake one of the same form (``bot.privacy.fake``), and the
entity annotations move with the text (a phone annotation holds the fake phone).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.privacy import pii_entities
from bot.privacy.fake import with_fakes
from bot.store.service_models import Review, ReviewStatus

HEADER = ("# Written by the review loop (python -m bot retrain / the review page): buyer messages\n"
          "# supervisors confirmed or relabelled. Phones, ID numbers and addresses are fakes.\n")


def annotate(text: str, entities: Sequence[Dict]) -> str:
    """``text`` with Rasa's inline entity annotations; overlapping spans keep the first."""
    out, cursor = [], 0
    for e in sorted(entities, key=lambda e: e["start"]):
        start, end = e["start"], e["end"]
        if start < cursor or not text[start:end].strip():
            continue
        out += [text[cursor:start], f"[{text[start:end]}]({e['entity']})"]
        cursor = end
    return "".join(out + [text[cursor:]])


# An entity over a replaced personal value keeps its label only if it names that kind
# (a phone annotation holds the fake phone); any other (``100号`` read as a size inside
# a street) is dropped rather than spread over the fake street.
_SAME_KIND = {"phone": "phone", "id_number": "id_number"}


def _labels_fit(text: str, entities: Sequence[Dict]) -> List[Dict]:
    hidden = [(e["kind"], *e["hidden"]) for e in pii_entities(text)]
    return [e for e in entities
            if all(not (start < e["end"] and e["start"] < end) or _SAME_KIND.get(kind) == e.get("entity")
                   for kind, start, end in hidden)]


def example(text: str, entities: Sequence[Dict]) -> str:
    """One training example line: personal data replaced by fakes, entities kept."""
    faked, moved = with_fakes(text, _labels_fit(text, entities))
    return annotate(faked, moved)


def reviewed_examples(session: Session,
                      shop_ids: Optional[List[str]] = None) -> Dict[str, List[str]]:
    """intent → example lines (deduplicated, in review order)."""
    query = (select(Review).where(Review.status.in_([ReviewStatus.confirmed,
                                                     ReviewStatus.relabelled]))
             .options(selectinload(Review.message)).order_by(Review.id))
    if shop_ids is not None:
        query = query.where(Review.shop_id.in_(shop_ids))
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for review in session.execute(query).scalars():
        line = " ".join(example(review.message.text, review.entities or []).split())
        if review.intent and line and line not in by_intent[review.intent]:
            by_intent[review.intent].append(line)
    return dict(by_intent)


def to_yaml(examples: Dict[str, List[str]]) -> str:
    lines = [HEADER, 'version: "3.1"', "nlu:"]
    for intent in sorted(examples):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in examples[intent]]
    return "\n".join(lines) + "\n"


def count(examples: Dict[str, List[str]]) -> int:
    return sum(len(v) for v in examples.values())
