"""Load a trained Rasa model once and parse buyer messages with it.

Used by ``python -m bot parse``, the evaluation scripts and the benchmarks.
Messages go through the model's NLU graph directly (the same graph Rasa's
server runs), never through Rasa's ``/intent`` shortcut, so a buyer typing
``/greet`` is understood as text rather than injected as an intent.

Any text parses: a message with nothing to read (only invisible or control
characters, or empty) gets ``nlu_fallback``; a long one is read through its
first ``NLU_VIEW_CHARS`` characters (``nlu_view``), so entity offsets are
offsets into the whole text as well. The service stores the whole message.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any, Dict, List

# The NLU reads this many characters of a message: a real buyer message is far
# shorter (the longest in the review data is under 200); the rest is stored, not read.
NLU_VIEW_CHARS = 500
_SURROGATES = re.compile("[\ud800-\udfff]")
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


def check_text(text: object) -> str:
    """The text itself; only a non-string is refused (every string parses)."""
    if not isinstance(text, str):
        raise ParseError("message must be a string")
    return text


def nlu_view(text: str) -> str:
    """What the NLU reads of a message: its first ``NLU_VIEW_CHARS`` characters, with
    lone surrogates (no UTF-8 form: jieba and OpenCC fail on them) as U+FFFD.

    A same-length prefix, so an entity's start/end in the view are its offsets in the text."""
    return _SURROGATES.sub("\ufffd", text[:NLU_VIEW_CHARS])


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
        view = nlu_view(text)
        data = processor._parse_message_with_graph(UserMessage(view), tracker=None)  # type: ignore[arg-type]
        result = shape(text, data)
        if len(view) < len(text):
            result["nlu_chars"] = len(view)  # the note: only this much was read
        return result


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
