from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("OMP_NUM_THREADS", "1")

MODEL = ROOT / "models" / "assistant.tar.gz"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def model_path() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it for you)")
    return MODEL


@pytest.fixture(scope="session")
def parser(model_path: Path):  # type: ignore[no-untyped-def]
    from bot.nlu.parser import NLUParser

    return NLUParser(model_path)
