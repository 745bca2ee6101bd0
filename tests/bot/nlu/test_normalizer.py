from __future__ import annotations

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalizer import ORIGINAL_TEXT, ChineseNormalizer


def test_normalises_messages_and_training_data_keeping_annotations_valid(
        model_storage: ModelStorage, context: ExecutionContext) -> None:
    normalizer = ChineseNormalizer.create({}, model_storage, Resource("n"), context)
    [m] = normalizer.process([Message(data={TEXT: "發貨了嗎？？？"})])
    assert m.get(TEXT) == "发货了吗?  "
    assert m.get(ORIGINAL_TEXT) == "發貨了嗎？？？"

    example = Message(data={TEXT: "發到新疆！！", "intent": "shipping_query",
                            "entities": [{"entity": "location", "start": 2, "end": 4,
                                          "value": "新疆"}]})
    data = normalizer.process_training_data(TrainingData([example]))
    [normalised] = data.training_examples
    e = normalised.get("entities")[0]
    assert normalised.get(TEXT)[e["start"]:e["end"]] == "新疆"
    assert normalised.get(TEXT) == "发到新疆! "
