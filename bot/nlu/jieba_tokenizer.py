"""Jieba tokenizer for shop Chinese, shaped like Rasa's own ``JiebaTokenizer``.

Differences from Rasa's component, each fixing a known trap:

- it uses a private ``jieba.Tokenizer`` instead of jieba's process-global
  dictionary, so loading the shop dictionary never leaks into other code;
- whitespace (and other non-word) tokens are dropped, so mixed Chinese/English
  text such as ``我想买 iPhone 12`` yields no ``" "`` tokens;
- the user dictionary is a *directory* of jieba dictionary files that is copied
  into the model at training time and read back from the model at load time,
  so a trained model does not depend on the source tree.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.segmenter import Segmenter

logger = logging.getLogger(__name__)
_DIGITS = re.compile(r"[0-9]")


def word_shape(word: str) -> str:
    """Lower-case, with every ASCII digit replaced by 0: "iPhone15" -> "iphone00"."""
    return _DIGITS.sub("0", word.lower())


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class ShopJiebaTokenizer(Tokenizer):
    """Jieba tokenizer with a persisted shop-term dictionary directory."""

    @staticmethod
    def supported_languages() -> List[str] | None:
        return ["zh"]

    @staticmethod
    def required_packages() -> List[str]:
        return ["jieba"]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Directory of jieba user-dictionary files (``word [freq] [tag]`` lines).
            "dictionary_path": None,
            # jieba's HMM guesses unknown words; off keeps splits predictable.
            "hmm": False,
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Featurize digits by shape (lemma "165" -> "000"), so n-gram features learn
            # "a 12-digit item number" or "a 3-digit number", not particular digits.
            "digit_shapes": True,
            # Add the tokens to the parse output (for people reviewing parses).
            "output_tokens": True,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        segmenter: Segmenter,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self.segmenter = segmenter

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ShopJiebaTokenizer:
        config = {**cls.get_default_config(), **config}
        path = config["dictionary_path"]
        if path is not None and not Path(path).is_dir():
            raise ValueError(
                f"ShopJiebaTokenizer: dictionary_path '{path}' must be a directory "
                "of jieba dictionary files."
            )
        segmenter = Segmenter(Path(path) if path else None, hmm=config["hmm"])
        return cls(config, model_storage, resource, segmenter)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the dictionary directory into the model."""
        self.persist()
        return self._resource

    def persist(self) -> None:
        path = self._config["dictionary_path"]
        if path is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            for source in sorted(Path(path).glob("*")):
                if source.is_file():
                    shutil.copy2(source, Path(directory) / source.name)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ShopJiebaTokenizer:
        """Reads the dictionary directory back from the model, not the source tree."""
        config = {**cls.get_default_config(), **config}
        segmenter = Segmenter(None, hmm=config["hmm"])
        if config["dictionary_path"] is not None:
            try:
                with model_storage.read_from(resource) as directory:
                    segmenter = Segmenter(Path(directory), hmm=config["hmm"])
            except ValueError:
                logger.warning(
                    "ShopJiebaTokenizer: no dictionary in the model for resource '%s'; "
                    "using jieba's default dictionary only.",
                    resource.name,
                )
        return cls(config, model_storage, resource, segmenter)

    def process(self, messages: List[Message]) -> List[Message]:
        messages = super().process(messages)
        if self._config.get("output_tokens"):
            for message in messages:
                tokens = message.get(TOKENS_NAMES[TEXT]) or []
                message.set(
                    "tokens",
                    [{"text": t.text, "start": t.start, "end": t.end} for t in tokens],
                    add_to_output=True,
                )
        return messages

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text = message.get(attribute) or ""
        tokens = [
            Token(word, start, lemma=word_shape(word) if self._config["digit_shapes"] else None)
            for word, start in self.segmenter.tokenize(text)
        ]
        return self._apply_token_pattern(tokens)
