"""Intent classifier: TF-IDF weighting of Rasa's sparse features + logistic regression.

Rasa's ``LogisticRegressionClassifier`` fits on raw counts with a fixed C=1.
Buyer messages are short and the same characters (的, 了, 吗) occur in every
intent, so sublinear TF-IDF weighting and a tunable C generalise better to
real buyer turns (see README, "Choosing the classifier"). Everything else —
the features it reads, the ranking it writes — matches Rasa's component.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)
MODEL_FILE = "tfidf_logreg.pkl"
# The parse of a message without a single token (e.g. only U+200B or U+FEFF).
NOTHING_TO_READ = {"name": "nlu_fallback", "confidence": 1.0}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TfidfLogRegClassifier(GraphComponent, IntentClassifier):
    """Sublinear TF-IDF over sparse sentence features, then multinomial logistic regression."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "C": 10.0,
            "max_iter": 2000,
            "sublinear_tf": True,
            "class_weight": "balanced",
            # Multiply the balanced weight of some intents, e.g. {nlu_fallback: 0.5}
            # to fall back only when a message is clearly out of scope.
            "class_weight_factors": {},
            "random_state": 42,
            "ranking_length": LABEL_RANKING_LENGTH,
        }

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, pipeline: Pipeline | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.pipeline = pipeline
        self._weights: Optional[np.ndarray] = None  # coef_ transposed, C-contiguous

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext
               ) -> TfidfLogRegClassifier:
        return cls(config, model_storage, resource)

    @staticmethod
    def _features(messages: List[Message]) -> csr_matrix:
        """Each message's sentence-level sparse features, side by side in pipeline order.

        The same matrix as ``message.get_sparse_features(TEXT)[1]``, without Rasa's
        deep copies and the sequence features this classifier does not use.
        """
        rows = []
        for message in messages:
            _, sentence = message._filter_sparse_features(TEXT, [])
            if not sentence:
                raise ValueError("TfidfLogRegClassifier needs sparse featurizers before it")
            rows.append(hstack([f.features for f in sentence]) if len(sentence) > 1
                        else csr_matrix(sentence[0].features))
        return vstack(rows).tocsr()

    @staticmethod
    def _has_features(message: Message) -> bool:
        """False for a message whose tokens were all dropped (only invisible or control
        characters, or nothing): the featurizers give it no features at all."""
        _, sentence = message._filter_sparse_features(TEXT, [])
        return bool(sentence)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.warning("TfidfLogRegClassifier: no intent examples; not trained.")
            return self._resource
        X = self._features(examples)
        y = [e.get(INTENT) for e in examples]
        class_weight = self.config["class_weight"]
        if class_weight == "balanced" and self.config["class_weight_factors"]:
            labels, counts = np.unique(y, return_counts=True)
            balanced = len(y) / (len(labels) * counts)
            factors = self.config["class_weight_factors"]
            class_weight = {str(label): float(w) * float(factors.get(str(label), 1.0))
                            for label, w in zip(labels, balanced, strict=True)}
        self.pipeline = Pipeline([
            ("tfidf", TfidfTransformer(sublinear_tf=self.config["sublinear_tf"])),
            ("clf", LogisticRegression(
                C=self.config["C"], max_iter=self.config["max_iter"],
                class_weight=class_weight,
                random_state=self.config["random_state"])),
        ])
        self.pipeline.fit(X, y)
        self._weights = None
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Intent and ranking for each message. A message with nothing to read gets
        ``nlu_fallback`` with confidence 1.0: never an exception, whatever the text."""
        if self.pipeline is None or not messages:
            return messages
        readable = []
        for message in messages:
            if self._has_features(message):
                readable.append(message)
            else:
                message.set(INTENT, dict(NOTHING_TO_READ), add_to_output=True)
                message.set("intent_ranking", [dict(NOTHING_TO_READ)], add_to_output=True)
        if not readable:
            return messages
        probabilities = self.probabilities(self._features(readable))
        classes = self.pipeline.classes_
        limit = self.config["ranking_length"]
        for message, probs in zip(readable, probabilities, strict=True):
            order = np.argsort(-probs)
            ranking = [{"name": str(classes[i]), "confidence": float(probs[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:limit] if limit else ranking,
                        add_to_output=True)
        return messages

    def probabilities(self, features: csr_matrix) -> np.ndarray:
        """``pipeline.predict_proba``, computed directly (see ``fast_proba``)."""
        if self._weights is None:  # scipy would copy coef_.T on every call
            self._weights = contiguous_weights(self.pipeline)
        return fast_proba(self.pipeline, self._weights, features)

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            with open(directory / MODEL_FILE, "wb") as f:
                pickle.dump(self.pipeline, f)

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TfidfLogRegClassifier:
        # The model file is written by this component during training; models are
        # trusted artefacts of this project (like Rasa's own pickled components).
        with model_storage.read_from(resource) as directory:
            with open(directory / MODEL_FILE, "rb") as f:
                pipeline = pickle.load(f)
        return cls(config, model_storage, resource, pipeline)


def contiguous_weights(pipeline: Pipeline) -> np.ndarray:
    """The classifier's ``coef_`` transposed once, for ``fast_proba``."""
    return np.ascontiguousarray(pipeline.named_steps["clf"].coef_.T)


def fast_proba(pipeline: Pipeline, weights: np.ndarray, features: csr_matrix) -> np.ndarray:
    """``pipeline.predict_proba`` of a TF-IDF + multinomial logistic regression pipeline,
    computed directly: scikit-learn's input checks cost more than the arithmetic for
    one short message (about 2 ms a parse); the result is the same (a test compares)."""
    tfidf, clf = pipeline.named_steps["tfidf"], pipeline.named_steps["clf"]
    multinomial = (len(clf.classes_) > 2 and clf.multi_class in ("auto", "multinomial")
                   and clf.solver != "liblinear" and tfidf.norm == "l2" and tfidf.use_idf)
    if not multinomial:
        return pipeline.predict_proba(features)
    X = csr_matrix(features, dtype=np.float64, copy=True)
    X.sum_duplicates()
    if tfidf.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1
    X.data *= tfidf.idf_[X.indices]  # on the stored values only: no dense row
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    norms = np.sqrt(np.bincount(rows, weights=X.data ** 2, minlength=X.shape[0]))
    norms[norms == 0] = 1
    X.data /= norms[rows]
    scores = np.asarray(X @ weights) + clf.intercept_
    scores -= scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)
