"""Suggestions for change_order: see bot/suggest/rules.py for what they are built from."""

from __future__ import annotations

from actions.base import SuggestAction


class ActionSuggestChangeOrder(SuggestAction):
    NAME = "action_suggest_change_order"
    INTENT = "change_order"
