"""The NLU data contract: intents, counts, held-out separation, token-aligned entities."""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import List

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalize import normalize
from bot.nlu.segmenter import Segmenter

CONTRACT = ["greet", "goodbye", "affirm", "deny", "shipping_query", "size_query", "bargain",
            "refund", "complaint", "product_query", "change_order", "invoice", "human_handoff"]
ENTITIES = {"order_id", "location", "height", "weight", "foot_length", "size", "courier", "amount", "phone",
            "id_number"}


@pytest.fixture(scope="module")
def train(root: Path) -> TrainingData:
    return load_data(str(root / "data" / "nlu"))


@pytest.fixture(scope="module")
def heldout(root: Path) -> TrainingData:
    return load_data(str(root / "data" / "test"))


def test_domain_lists_exactly_the_contract_intents(root: Path) -> None:
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    assert domain["intents"] == CONTRACT
    assert set(domain["entities"]) == ENTITIES


def test_every_intent_has_80_training_and_20_heldout_examples(train: TrainingData,
                                                              heldout: TrainingData) -> None:
    train_counts = Counter(m.get("intent") for m in train.intent_examples)
    test_counts = Counter(m.get("intent") for m in heldout.intent_examples)
    for intent in CONTRACT:
        assert train_counts[intent] >= 80, intent
        assert test_counts[intent] >= 20, intent
    # Out-of-scope examples teach the model what falls to nlu_fallback.
    assert set(train_counts) <= set(CONTRACT) | {"nlu_fallback"}


def test_training_examples_are_distinct_and_unambiguous(train: TrainingData) -> None:
    seen: dict = {}
    clashes: List[str] = []
    for m in train.intent_examples:
        text = m.get("text").strip()
        if text in seen and seen[text] != m.get("intent"):
            clashes.append(f"{text}: {seen[text]} / {m.get('intent')}")
        seen[text] = m.get("intent")
    assert clashes == []


def test_heldout_examples_never_appear_in_training(train: TrainingData,
                                                   heldout: TrainingData) -> None:
    training_texts = {m.get("text").strip() for m in train.intent_examples}
    leaked = [m.get("text") for m in heldout.intent_examples
              if m.get("text").strip() in training_texts]
    assert leaked == []


def _bare(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


def test_real_buyer_turns_are_neither_copied_nor_paraphrased_in_training(
        root: Path, train: TrainingData) -> None:
    """No training example equals, or is 80% character-similar to, a real evaluation turn."""
    path = root.parent / "shared" / "eval" / "ecd_dev.jsonl"
    if not path.exists():
        pytest.skip("shared/eval not present")
    real = [_bare(json.loads(line)["text"])
            for line in path.read_text(encoding="utf-8").splitlines() if line]
    copies = []
    for m in train.intent_examples:
        text = _bare(m.get("text"))
        for turn in real:
            if turn and (text == turn or (min(len(text), len(turn)) >= 3 and
                         difflib.SequenceMatcher(None, text, turn).ratio() >= 0.8)):
                copies.append(m.get("text"))  # never print the evaluation turn
    assert copies == []


@pytest.mark.parametrize("which", ["train", "heldout"])
def test_entity_annotations_align_with_jieba_tokens(root: Path, which: str,
                                                    request: pytest.FixtureRequest) -> None:
    data: TrainingData = request.getfixturevalue(which)
    segmenter = Segmenter.shared(root / "data" / "jieba")
    misaligned = []
    for m in data.training_examples:
        tokens = list(segmenter.tokenize(normalize(m.get("text"))))
        starts = {s for _, s in tokens}
        ends = {s + len(w) for w, s in tokens}
        for e in m.get("entities") or []:
            assert e["entity"] in ENTITIES, e
            if e["start"] not in starts or e["end"] not in ends:
                misaligned.append((m.get("text"), e["value"]))
    assert misaligned == []


def test_lookup_tables_are_generated_from_the_jieba_dictionary(root: Path) -> None:
    result = subprocess.run([sys.executable, "scripts/build_lookups.py", "--check"], cwd=root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
