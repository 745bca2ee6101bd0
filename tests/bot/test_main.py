"""`python -m bot parse`: one message, and batch mode over stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

pytestmark = pytest.mark.model


def run(root: Path, model: Path, args: List[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "parse", "--model", str(model), *args],
        cwd=root, input=stdin, capture_output=True, timeout=300,
    )


def lines(out: bytes) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def test_single_message(root: Path, model_path: Path) -> None:
    result = run(root, model_path, ["亲，什么时候发货呀，发顺丰到新疆吗"])
    assert result.returncode == 0, result.stderr
    [parsed] = lines(result.stdout)
    assert parsed["intent"] == "shipping_query"
    assert 0 < parsed["confidence"] <= 1
    assert parsed["intent_ranking"][0]["name"] == "shipping_query"
    assert {(e["entity"], e["value"]) for e in parsed["entities"]} == {
        ("courier", "顺丰"), ("location", "新疆")}
    assert "顺丰" in parsed["tokens"] and " " not in parsed["tokens"]


def test_batch_mode_one_json_object_per_line_in_order_even_for_bad_input(
        root: Path, model_path: Path) -> None:
    batch = [
        "在吗".encode(),
        b"",                                      # empty line
        ("我要退货" * 5000).encode(),              # 20,000 characters
        "😂😂😂".encode(),                          # only emoji
        "能开发票\x07吗\x00".encode(),              # control characters
        b"\xff\xfe bad utf-8 \xc3",               # invalid UTF-8
        "165斤穿什么码".encode(),
        b"   ",                           # whitespace only
        b"/greet",                        # not an intent injection
    ]
    result = run(root, model_path, [], stdin=b"\n".join(batch) + b"\n")
    assert result.returncode == 0, result.stderr
    out = lines(result.stdout)
    assert [o["line"] for o in out] == list(range(1, len(batch) + 1))
    assert out[0]["intent"] == "greet"
    assert out[1]["intent"] == "nlu_fallback"  # an empty line still gets its line of output
    # a long message is read through its first characters, never refused
    assert out[2]["nlu_chars"] == 500 and "intent" in out[2]
    assert "intent" in out[3] and "error" not in out[3]
    assert out[4]["intent"] == "invoice"
    assert out[5]["error"].startswith("invalid UTF-8")
    assert out[6]["intent"] == "size_query"
    assert out[6]["entities"][0]["entity"] == "weight"
    assert out[7]["intent"] == "nlu_fallback"  # whitespace only: answered, not refused
    assert out[8]["text"] == "/greet" and "error" not in out[8]


def test_missing_model_is_a_clear_cli_error(root: Path, tmp_path: Path) -> None:
    result = run(root, tmp_path / "nope.tar.gz", ["在吗"])
    assert result.returncode == 2
    assert b"model not found" in result.stderr
