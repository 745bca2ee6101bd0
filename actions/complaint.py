"""Suggestions for complaint: see bot/suggest/rules.py for what they are built from."""

from __future__ import annotations

from actions.base import SuggestAction


class ActionSuggestComplaint(SuggestAction):
    NAME = "action_suggest_complaint"
    INTENT = "complaint"
