"""Rasa entity extractor backed by the spaCy ``zh`` pipeline in :mod:`bot.nlu.shop_ner`.

Shaped like Rasa's own components: ``get_default_config``, ``create``,
``train`` (builds the EntityRuler patterns from the jieba shop dictionary and
persists them into the model), ``persist`` and ``load`` (reads the patterns
back from the model, so a trained model never reads the source tree).
The spaCy Doc is built from the message's jieba tokens, so every entity span
starts and ends on a token boundary.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.shop_ner import ShopNER, dictionary_patterns

logger = logging.getLogger(__name__)

PATTERNS_FILE = "patterns.jsonl"
TOKENS = "text_tokens"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class SpacyShopEntityExtractor(GraphComponent, EntityExtractorMixin):
    """order_id, location, height, weight, size, courier, amount, phone, id_number."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Directory of jieba dictionary files; lines tagged courier/location
            # become EntityRuler phrase patterns.
            "dictionary_path": None,
            # Restrict output to these labels (None = all).
            "entities": None,
        }

    @staticmethod
    def supported_languages() -> List[str] | None:
        return ["zh"]

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy", "jieba"]

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        patterns: List[Dict[str, Any]],
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.patterns = patterns
        self.ner = ShopNER(patterns)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyShopEntityExtractor:
        return cls(config, model_storage, resource, [])

    def train(self, training_data: TrainingData) -> Resource:
        path = self._config["dictionary_path"]
        if path is None or not Path(path).is_dir():
            raise ValueError(
                f"SpacyShopEntityExtractor: dictionary_path '{path}' must be a directory."
            )
        self.patterns = dictionary_patterns(Path(path))
        self.ner = ShopNER(self.patterns)
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            with open(Path(directory) / PATTERNS_FILE, "w", encoding="utf-8") as f:
                for pattern in self.patterns:
                    f.write(json.dumps(pattern, ensure_ascii=False) + "\n")

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpacyShopEntityExtractor:
        patterns: List[Dict[str, Any]] = []
        try:
            with model_storage.read_from(resource) as directory:
                lines = (Path(directory) / PATTERNS_FILE).read_text(encoding="utf-8")
                patterns = [json.loads(line) for line in lines.splitlines() if line]
        except (ValueError, FileNotFoundError):
            logger.warning("SpacyShopEntityExtractor: no patterns in the model; "
                           "only numeric rules will run.")
        return cls(config, model_storage, resource, patterns)

    def process(self, messages: List[Message]) -> List[Message]:
        wanted = self._config["entities"]
        for message in messages:
            text = message.get(TEXT) or ""
            tokens = [(t.text, t.start) for t in message.get(TOKENS, [])]
            found = self.ner.entities(text, tokens)
            if wanted:
                found = [e for e in found if e["entity"] in wanted]
            found = self.add_extractor_name(found)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
