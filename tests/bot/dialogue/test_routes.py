"""One routing declaration: the Rasa rules file, the domain, the actions rasa-sdk
registers and what the trained RulePolicy predicts all agree with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from bot.dialogue.in_process import InProcessActions
from bot.dialogue.routes import FALLBACK, ROUTES, actions, route, rules_yaml


@pytest.fixture(scope="module")
def domain(root: Path) -> Dict[str, Any]:
    return yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))


def test_rules_file_is_generated_from_the_routes(root: Path) -> None:
    written = (root / "data" / "rules" / "suggest.yml").read_text(encoding="utf-8")
    assert written == rules_yaml(), "run: python -m bot routes --write"


def test_every_intent_has_a_route_and_every_route_an_intent(domain: Dict[str, Any]) -> None:
    assert set(ROUTES) == set(domain["intents"]) | {FALLBACK}


def test_domain_and_registered_actions_are_the_routed_ones(domain: Dict[str, Any]) -> None:
    assert sorted(domain["actions"]) == sorted(actions())
    assert InProcessActions().names == sorted(actions())


def test_an_unknown_intent_is_answered_as_the_fallback() -> None:
    assert route("no_such_intent") is ROUTES[FALLBACK]


@pytest.mark.model
def test_the_trained_rule_policy_predicts_each_routed_action(model_path: Path) -> None:
    from rasa.core.agent import Agent
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    agent = Agent.load(str(model_path))
    processor = agent.processor
    for intent, r in ROUTES.items():
        tracker = DialogueStateTracker.from_events(intent, [
            ActionExecuted("action_listen"),
            UserUttered("…", {"name": intent, "confidence": 1.0})], slots=agent.domain.slots)
        prediction = processor._predict_next_with_tracker(tracker)
        predicted = agent.domain.action_names_or_texts[prediction.max_confidence_index]
        assert predicted == r.action, intent


def _labelled_subtopics(root: Path) -> Dict[str, set]:
    found: Dict[str, set] = {}
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            name = str(block.get("intent") or "")
            if "/" in name:
                intent, sub = name.split("/", 1)
                found.setdefault(intent, set()).add(sub)
    return found


def test_every_subtopic_the_nlu_learns_has_a_handler_and_every_handler_training_data(
        root: Path) -> None:
    from bot.dialogue.routes import subtopics

    learned = _labelled_subtopics(root)
    declared = {intent: set(subs) for intent, subs in subtopics().items()}
    for intent, subs in learned.items():
        assert intent in ROUTES, intent
        assert subs - {"general"} <= declared.get(intent, set()), (intent, subs)
    for intent, subs in declared.items():
        assert subs <= learned.get(intent, set()), (intent, subs - learned.get(intent, set()))


def test_a_subtopic_without_a_declared_handler_gets_the_intents_answer() -> None:
    r = route("shipping_query")
    assert r.handler("fee") is r.subtopics["fee"]
    assert r.handler("general") is r.rule and r.handler(None) is r.rule
