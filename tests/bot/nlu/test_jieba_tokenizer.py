from __future__ import annotations

import shutil
from pathlib import Path
from typing import List, Tuple

import jieba
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.jieba_tokenizer import ShopJiebaTokenizer


def make(storage: ModelStorage, ctx: ExecutionContext, dict_dir: Path) -> ShopJiebaTokenizer:
    config = {**ShopJiebaTokenizer.get_default_config(), "dictionary_path": str(dict_dir)}
    return ShopJiebaTokenizer.create(config, storage, Resource("tok"), ctx)


def tokens(tok: ShopJiebaTokenizer, text: str) -> List[Tuple[str, int]]:
    [message] = tok.process([Message(data={TEXT: text})])
    return [(t.text, t.start) for t in message.get(TOKENS_NAMES[TEXT])]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("什么时候发货", [("什么时候", 0), ("发货", 4)]),
        ("七天无理由退货", [("七天无理由", 0), ("退货", 5)]),
        ("江浙沪包邮吗", [("江浙沪", 0), ("包邮", 3), ("吗", 5)]),
        ("发顺丰到新疆", [("发", 0), ("顺丰", 1), ("到", 3), ("新疆", 4)]),
        ("我想买 iPhone 12 🤭", [("我", 0), ("想", 1), ("买", 2), ("iPhone", 4),
                                 ("12", 11), ("🤭", 14)]),
        ("有运费险吗", [("有", 0), ("运费险", 1), ("吗", 4)]),
        ("   ", []),
    ],
)
def test_tokens_and_offsets(model_storage: ModelStorage, context: ExecutionContext,
                            shop_dict_dir: Path, text: str,
                            expected: List[Tuple[str, int]]) -> None:
    assert tokens(make(model_storage, context, shop_dict_dir), text) == expected


def test_no_whitespace_tokens_in_mixed_text(model_storage: ModelStorage,
                                            context: ExecutionContext,
                                            shop_dict_dir: Path) -> None:
    tok = make(model_storage, context, shop_dict_dir)
    words = [w for w, _ in tokens(tok, "亲 size M 有货吗 ?  ok\t谢谢")]
    assert all(w.strip() == w and w for w in words)
    assert words[:3] == ["亲", "size", "M"]


def test_dictionary_persists_with_the_model(tmp_path: Path, model_storage: ModelStorage,
                                            context: ExecutionContext) -> None:
    """The user dictionary travels inside the model: deleting the source changes nothing."""
    source = tmp_path / "dict"
    source.mkdir()
    (source / "terms.txt").write_text("暖暖非旗舰店 90000\n", encoding="utf-8")
    tok = make(model_storage, context, source)
    assert ("暖暖非旗舰店", 1) in tokens(tok, "在暖暖非旗舰店买的")
    tok.train(TrainingData())
    shutil.rmtree(source)

    config = {**ShopJiebaTokenizer.get_default_config(), "dictionary_path": str(source)}
    loaded = ShopJiebaTokenizer.load(config, model_storage, Resource("tok"), context)
    assert ("暖暖非旗舰店", 1) in tokens(loaded, "在暖暖非旗舰店买的")
    # jieba's process-global dictionary is left alone.
    assert "暖暖非旗舰店" not in jieba.lcut("在暖暖非旗舰店买的")


def test_missing_dictionary_directory_is_a_clear_error(model_storage: ModelStorage,
                                                       context: ExecutionContext,
                                                       tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be a directory"):
        make(model_storage, context, tmp_path / "nope")


def test_training_data_is_tokenized(model_storage: ModelStorage, context: ExecutionContext,
                                    shop_dict_dir: Path) -> None:
    tok = make(model_storage, context, shop_dict_dir)
    data = TrainingData([Message(data={TEXT: "到新疆运费多少", "intent": "shipping_query"})])
    tok.process_training_data(data)
    words = [t.text for t in data.training_examples[0].get(TOKENS_NAMES[TEXT])]
    assert words == ["到", "新疆", "运费", "多少"]
