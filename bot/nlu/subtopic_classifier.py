"""Sub-topic classifier: *what exactly* a buyer asks within an intent.

Trained on Rasa's retrieval-intent labels: an example under
``- intent: shipping_query/fee`` counts as ``shipping_query`` for the intent
classifier and as sub-topic ``fee`` here. One small TF-IDF + logistic regression
per intent, over the same sparse features the intent classifier reads. Examples
under the plain intent train only the intent classifier.

Each message gets ``subtopic`` (the top intent's sub-topic, ``{"name", "confidence",
"intent"}``) and ``subtopics`` (the same for each of the top ranked intents that has
sub-topics), so a follow-up that continues another intent's topic can read what it
asks there (``bot.dialogue.followup``). Placed after the intent classifier and
before ``FallbackClassifier`` in ``config.yml``.
"""

from __future__ import annotations

import logging
import pickle
from collections import Counter, defaultdict
from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bot.nlu.tfidf_classifier import TfidfLogRegClassifier, contiguous_weights, fast_proba

logger = logging.getLogger(__name__)
MODEL_FILE = "subtopics.pkl"
SUBTOPIC = "subtopic"
SUBTOPICS = "subtopics"


def split_label(intent_response_key: Optional[str]) -> Optional[str]:
    """``shipping_query/fee`` → ``fee``; a plain intent has no sub-topic."""
    if not intent_response_key or "/" not in intent_response_key:
        return None
    return intent_response_key.split("/", 1)[1]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SubtopicClassifier(GraphComponent):
    """Per-intent sub-topic classifiers trained from retrieval-intent labels."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"C": 10.0, "max_iter": 2000, "min_examples": 3, "intents_ranked": 3,
                "random_state": 42}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, models: Optional[Dict[str, Pipeline]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.models: Dict[str, Pipeline] = models or {}
        self._weights = {intent: contiguous_weights(p) for intent, p in self.models.items()
                         if len(p.classes_) > 2}

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> SubtopicClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        by_intent: Dict[str, List[Message]] = defaultdict(list)
        for example in training_data.intent_examples:
            if example.get(TEXT) and split_label(example.get(INTENT_RESPONSE_KEY)):
                by_intent[example.get(INTENT)].append(example)
        models: Dict[str, Pipeline] = {}
        for intent, examples in sorted(by_intent.items()):
            labels = [split_label(e.get(INTENT_RESPONSE_KEY)) for e in examples]
            counts = Counter(labels)
            keep = [i for i, label in enumerate(labels)
                    if counts[label] >= self.config["min_examples"]]
            if len({labels[i] for i in keep}) < 2:
                logger.warning("SubtopicClassifier: %s has fewer than two sub-topics with "
                               "%d examples; not trained", intent, self.config["min_examples"])
                continue
            pipeline = Pipeline([
                ("tfidf", TfidfTransformer(sublinear_tf=True)),
                ("clf", LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"],
                                           class_weight="balanced",
                                           random_state=self.config["random_state"])),
            ])
            X = TfidfLogRegClassifier._features([examples[i] for i in keep])
            pipeline.fit(X, [labels[i] for i in keep])
            models[intent] = pipeline
        self.models = models
        self._weights = {i: contiguous_weights(p) for i, p in models.items()
                         if len(p.classes_) > 2}
        self.persist()
        return self._resource

    def _predict(self, intent: str, features: Any) -> Optional[Dict[str, Any]]:
        pipeline = self.models.get(intent)
        if pipeline is None:
            return None
        weights = self._weights.get(intent)
        probs = (fast_proba(pipeline, weights, features) if weights is not None
                 else pipeline.predict_proba(features))[0]
        best = int(np.argmax(probs))
        ranking = sorted(zip(pipeline.classes_, probs, strict=True), key=lambda kv: -kv[1])[:3]
        return {"intent": intent, "name": str(pipeline.classes_[best]),
                "confidence": round(float(probs[best]), 4),
                "ranking": [{"name": str(n), "confidence": round(float(c), 4)}
                            for n, c in ranking]}

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.models:
            return messages
        for message in messages:
            if not TfidfLogRegClassifier._has_features(message):
                continue
            ranked = [r.get("name") for r in (message.get("intent_ranking") or [])]
            ranked = ranked[: self.config["intents_ranked"]] or [
                (message.get(INTENT) or {}).get("name")]
            wanted = [i for i in ranked if i in self.models]
            if not wanted:
                continue
            features = TfidfLogRegClassifier._features([message])
            found = {i: p for i in wanted if (p := self._predict(i, features)) is not None}
            message.set(SUBTOPICS, found, add_to_output=True)
            top = (message.get(INTENT) or {}).get("name")
            if top in found:
                message.set(SUBTOPIC, found[top], add_to_output=True)
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            with open(directory / MODEL_FILE, "wb") as f:
                pickle.dump(self.models, f)

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SubtopicClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                with open(directory / MODEL_FILE, "rb") as f:
                    models = pickle.load(f)  # written by this component: a trusted artefact
        except (ValueError, FileNotFoundError):
            models = {}
        return cls(config, model_storage, resource, models)
