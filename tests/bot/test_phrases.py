from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.phrases import (
    INTENTS,
    Phrase,
    PhraseError,
    declared_situations,
    library_files,
    load_library,
    render,
    shop_library,
)


def test_library_has_six_phrases_per_intent_and_covers_every_situation() -> None:
    library = shop_library("wuhan")
    per_intent = Counter(p.intent for p in library.values())
    assert {i: per_intent[i] for i in INTENTS if per_intent[i] < 6} == {}
    # every situation a phrase file (or the built-in list) declares has phrases, and no more
    assert {p.situation for p in library.values()} == set(declared_situations(library_files()))


def test_complaint_phrases_apologise_first() -> None:
    for p in shop_library("wuhan").values():
        if p.intent == "complaint":
            assert any(w in p.text[:8] for w in ("抱歉", "不好意思")), p.id


def test_render_fills_every_slot_or_refuses() -> None:
    phrase = Phrase("x", "shipping_query", "shipped", "{courier}单号{tracking_no}")
    assert render(phrase, {"courier": "中通", "tracking_no": "Z1"}).text == "中通单号Z1"
    assert render(phrase, {"courier": "中通"}) is None
    assert render(phrase, {"courier": "中通", "tracking_no": "  "}) is None
    assert render(phrase, {"courier": "{x}", "tracking_no": "1"}) is None


@pytest.mark.parametrize(
    "body, problem",
    [
        ("phrases:\n  - {id: a, intent: refund, situation: nope, text: hi}\n",
         "phrases.0 (a): situation: unknown situation 'nope'"),
        ("phrases:\n  - {id: a, intent: refnd, situation: refund_closed, text: hi}\n",
         "phrases.0 (a): intent: unknown intent 'refnd'"),
        ("phrases:\n  - {id: a, intent: refund, situation: refund_closed, text: '{fee}'}\n",
         "phrases.0 (a): text: slots ['fee'] are not available in situation 'refund_closed'"),
        ("phrases:\n  - {id: a, intent: refund, situation: refund_closed}\n",
         "phrases.0: missing text"),
        ("phrases:\n  - {id: a, intent: refund, situation: refund_closed, text: '{order_id'}\n",
         "phrases.0 (a): text: broken slot braces"),
        ("phrases: [", "not valid YAML"),
    ],
)
def test_malformed_phrase_file_names_file_key_and_problem(tmp_path: Path, body: str,
                                                          problem: str) -> None:
    path = tmp_path / "phrases.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PhraseError) as err:
        load_library([path])
    assert str(err.value).startswith(str(path))
    assert problem in str(err.value)


def test_shop_file_overrides_by_id(tmp_path: Path, root: Path) -> None:
    override = tmp_path / "shop.yml"
    override.write_text("phrases:\n  - {id: bye.goodbye_1, intent: goodbye, situation: goodbye, "
                        "text: 亲，感谢光临，欢迎下次再来哦~}\n", encoding="utf-8")
    library = load_library([root / "data/phrases/default.yml", override])
    assert library["bye.goodbye_1"].text == "亲，感谢光临，欢迎下次再来哦~"
