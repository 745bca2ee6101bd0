"""Rasa component that normalises buyer text before tokenization.

Registered as a message featurizer so Rasa runs it on training data as well as
at inference (Rasa only chains tokenizers and featurizers over training data).
Place it first in the pipeline. Normalisation is length-preserving, so entity
annotations in training data and extracted entity offsets stay valid.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalize import normalize

ORIGINAL_TEXT = "original_text"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class ChineseNormalizer(GraphComponent):
    """Full-width → half-width, traditional → simplified, repeated punctuation and emoji."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    @staticmethod
    def supported_languages() -> List[str] | None:
        return ["zh"]

    @staticmethod
    def required_packages() -> List[str]:
        return ["opencc"]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseNormalizer:
        return cls()

    @staticmethod
    def _normalize_message(message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return
        normalized = normalize(text)
        if normalized != text:
            message.set(ORIGINAL_TEXT, text)
            message.set(TEXT, normalized)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize_message(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize_message(message)
        return messages
