from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.jieba_tokenizer import ShopJiebaTokenizer
from bot.nlu.normalizer import ChineseNormalizer
from bot.nlu.spacy_entities import SpacyShopEntityExtractor


@pytest.fixture
def pipeline(model_storage: ModelStorage, context: ExecutionContext, shop_dict_dir: Path):  # type: ignore[no-untyped-def]
    normalizer = ChineseNormalizer.create({}, model_storage, Resource("norm"), context)
    tok_config = {**ShopJiebaTokenizer.get_default_config(), "dictionary_path": str(shop_dict_dir)}
    tokenizer = ShopJiebaTokenizer.create(tok_config, model_storage, Resource("tok"), context)
    config = {**SpacyShopEntityExtractor.get_default_config(),
              "dictionary_path": str(shop_dict_dir)}
    extractor = SpacyShopEntityExtractor.create(config, model_storage, Resource("ner"), context)
    extractor.train(TrainingData())
    return normalizer, tokenizer, extractor


def extract(pipeline: Any, text: str) -> List[Dict[str, Any]]:
    normalizer, tokenizer, extractor = pipeline
    messages = [Message(data={TEXT: text})]
    for component in (normalizer, tokenizer, extractor):
        messages = component.process(messages)
    return messages[0].get(ENTITIES)


def spans(pipeline: Any, text: str) -> List[Tuple[str, str]]:
    return [(e["entity"], text[e["start"]:e["end"]]) for e in extract(pipeline, text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("亲，一米六五110斤穿什么码", [("height", "一米六五"), ("weight", "110斤")]),
        ("发顺丰到新疆乌鲁木齐要多少钱",
         [("courier", "顺丰"), ("location", "新疆"), ("location", "乌鲁木齐")]),
        ("江浙沪包邮吗", [("location", "江浙沪")]),
        ("能发EMS吗 还是ems贵", [("courier", "EMS"), ("courier", "ems")]),
        ("发sf吧", [("courier", "sf")]),
        ("订单2398475610293847561到哪了", [("order_id", "2398475610293847561")]),
        ("收件电话改成13812345678", [("phone", "13812345678")]),
        ("１６５ｃｍ　５５ｋｇ　ＸＬ可以吗", [("height", "１６５ｃｍ"), ("weight", "５５ｋｇ"),
                                         ("size", "ＸＬ")]),
        ("便宜10块钱呗", [("amount", "10块钱")]),
        ("吉林市能到吗", [("location", "吉林")]),
        ("天天用的面霜", []),
    ],
)
def test_entities_and_spans(pipeline: Any, text: str, expected: List[Tuple[str, str]]) -> None:
    assert spans(pipeline, text) == expected


def test_spans_align_with_jieba_tokens(pipeline: Any) -> None:
    _, tokenizer, _ = pipeline
    for text in ["一米六五110斤穿什么码发顺丰到新疆", "身高170体重65kg穿L码", "码发顺丰"]:
        entities = extract(pipeline, text)
        [message] = tokenizer.process([Message(data={TEXT: text})])
        starts = {t.start for t in message.get("text_tokens")}
        ends = {t.end for t in message.get("text_tokens")}
        for e in entities:
            assert e["start"] in starts and e["end"] in ends, (text, e)


def test_normalised_values_for_actions(pipeline: Any) -> None:
    entities = {e["entity"]: e for e in extract(pipeline, "一米七 一百二十斤 发sf")}
    assert entities["height"]["additional_info"] == {"cm": 170}
    assert entities["weight"]["additional_info"] == {"jin": 120, "kg": 60}
    assert entities["courier"]["additional_info"] == {"canonical": "顺丰"}
    assert entities["courier"]["extractor"] == "SpacyShopEntityExtractor"


def test_patterns_persist_with_the_model(tmp_path: Path, model_storage: ModelStorage,
                                         context: ExecutionContext, pipeline: Any) -> None:
    """Patterns come from the model, not the source dictionary."""
    source = tmp_path / "dict"
    source.mkdir()
    (source / "couriers.txt").write_text("闪送侠 80000 courier\n", encoding="utf-8")
    config = {**SpacyShopEntityExtractor.get_default_config(), "dictionary_path": str(source)}
    extractor = SpacyShopEntityExtractor.create(config, model_storage, Resource("ner2"), context)
    extractor.train(TrainingData())
    shutil.rmtree(source)

    loaded = SpacyShopEntityExtractor.load(config, model_storage, Resource("ner2"), context)
    normalizer, tokenizer, _ = pipeline
    tokenizer.segmenter.add_words(["闪送侠"])  # as the shared shop dictionary would
    messages = tokenizer.process(normalizer.process([Message(data={TEXT: "能发闪送侠吗"})]))
    [message] = loaded.process(messages)
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("courier", "闪送侠")]


def test_train_without_dictionary_is_a_clear_error(model_storage: ModelStorage,
                                                   context: ExecutionContext) -> None:
    extractor = SpacyShopEntityExtractor.create(
        SpacyShopEntityExtractor.get_default_config(), model_storage, Resource("x"), context
    )
    with pytest.raises(ValueError, match="dictionary_path"):
        extractor.train(TrainingData())
