from __future__ import annotations

from typing import List

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.tfidf_classifier import TfidfLogRegClassifier

VOCAB = ["发货", "快递", "退款", "退货", "你好", "在吗"]


def message(words: List[str], intent: str = "") -> Message:
    counts = np.array([[words.count(w) for w in VOCAB]], dtype=float)
    m = Message(data={TEXT: "".join(words), **({INTENT: intent} if intent else {})})
    m.add_features(Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "cv"))
    return m


@pytest.fixture
def training_data() -> TrainingData:
    return TrainingData([
        message(["发货"], "shipping_query"), message(["快递", "发货"], "shipping_query"),
        message(["快递"], "shipping_query"), message(["退款"], "refund"),
        message(["退货", "退款"], "refund"), message(["退货"], "refund"),
        message(["你好"], "greet"), message(["在吗"], "greet"), message(["在吗", "你好"], "greet"),
    ])


def test_predicts_ranked_intents_and_survives_persist_load(
        model_storage: ModelStorage, context: ExecutionContext,
        training_data: TrainingData) -> None:
    config = {**TfidfLogRegClassifier.get_default_config(), "ranking_length": 2}
    clf = TfidfLogRegClassifier.create(config, model_storage, Resource("clf"), context)
    clf.train(training_data)
    [m] = clf.process([message(["退款", "退货"])])
    assert m.get(INTENT)["name"] == "refund"
    ranking = m.get("intent_ranking")
    assert len(ranking) == 2
    assert ranking[0]["confidence"] >= ranking[1]["confidence"]

    loaded = TfidfLogRegClassifier.load(config, model_storage, Resource("clf"), context)
    [again] = loaded.process([message(["退款", "退货"])])
    assert again.get(INTENT) == m.get(INTENT)
    assert again.get("intent_ranking") == ranking


def test_direct_probabilities_equal_scikit_learns(
        model_storage: ModelStorage, context: ExecutionContext,
        training_data: TrainingData) -> None:
    clf = TfidfLogRegClassifier.create({}, model_storage, Resource("clf"), context)
    clf.train(training_data)
    probe = [message(words) for words in (["退款", "退货"], ["快递"], ["在吗", "发货", "发货"], [])]
    features = TfidfLogRegClassifier._features(probe)
    expected = clf.pipeline.predict_proba(features)
    np.testing.assert_allclose(clf.probabilities(features), expected, rtol=1e-9, atol=1e-12)


def test_features_equal_rasas_combined_sentence_features() -> None:
    m = message(["退款", "发货"])
    extra = scipy.sparse.coo_matrix(np.array([[0.0, 2.0, 1.0]]))
    m.add_features(Features(extra, FEATURE_TYPE_SENTENCE, TEXT, "chars"))
    _, combined = m.get_sparse_features(TEXT)
    expected = combined.features.toarray()
    assert expected.shape == (1, len(VOCAB) + 3)
    np.testing.assert_array_equal(TfidfLogRegClassifier._features([m]).toarray(), expected)


def test_missing_features_is_a_clear_error(model_storage: ModelStorage,
                                           context: ExecutionContext) -> None:
    clf = TfidfLogRegClassifier.create({}, model_storage, Resource("clf"), context)
    with pytest.raises(ValueError, match="sparse featurizers"):
        clf.train(TrainingData([Message(data={TEXT: "在吗", INTENT: "greet"})]))
