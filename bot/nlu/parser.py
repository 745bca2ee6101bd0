"""Load a trained Rasa model once and parse buyer messages with it.

Used by ``python -m bot parse``, the evaluation scripts and the benchmarks.
Messages go through the model's NLU graph directly (the same graph Rasa's
server runs), never through Rasa's ``/intent`` shortcut, so a buyer typing
``/greet`` is understood as text rather than injected as an intent.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Dict, List

MAX_CHARS = 2000
DEFAULT_MODELS_DIR = Path(os.environ.get("SHOP_MODELS_DIR", "models"))


class ParseError(ValueError):
    """A message that cannot be parsed, with a reason a person can act on."""


def latest_model(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(
            f"no trained model in '{models_dir}/'; run `make train` first"
        )
    return models[-1]


def check_text(text: str) -> str:
    """Reject what no model should be asked about; returns the text unchanged."""
    if not isinstance(text, str):
        raise ParseError("message must be a string")
    if not text.strip():
        raise ParseError("empty message")
    if len(text) > MAX_CHARS:
        raise ParseError(f"message too long: {len(text)} characters (limit {MAX_CHARS})")
    return text


def _quiet() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    logging.getLogger("rasa").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)


class NLUParser:
    """A loaded model. ``parse`` returns intent, ranking, entities and jieba tokens."""

    def __init__(self, model_path: Path | None = None) -> None:
        _quiet()
        from rasa.core.agent import Agent

        self.model_path = Path(model_path) if model_path else latest_model()
        if not self.model_path.exists():
            raise FileNotFoundError(f"model not found: {self.model_path}")
        self.agent = Agent.load(str(self.model_path))
        if self.agent.processor is None:
            raise RuntimeError(f"could not load model {self.model_path}")

    def parse(self, text: str) -> Dict[str, Any]:
        from rasa.core.channels import UserMessage

        check_text(text)
        processor = self.agent.processor
        assert processor is not None
        data = processor._parse_message_with_graph(UserMessage(text), tracker=None)  # type: ignore[arg-type]
        return shape(text, data)


def shape(text: str, data: Dict[str, Any]) -> Dict[str, Any]:
    """Rasa's parse dict → the project's parse result."""
    intent = data.get("intent") or {}
    entities: List[Dict[str, Any]] = [
        {k: v for k, v in e.items() if k in ("entity", "start", "end", "value",
                                             "extractor", "additional_info")}
        for e in data.get("entities", [])
    ]
    return {
        "text": text,
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "intent_ranking": [
            {"name": r["name"], "confidence": round(float(r["confidence"]), 4)}
            for r in data.get("intent_ranking", [])
        ],
        "entities": entities,
        "tokens": [t["text"] for t in data.get("tokens", [])],
    }
