"""Suggestions for size_query: see bot/suggest/rules.py for what they are built from."""

from __future__ import annotations

from actions.base import SuggestAction


class ActionSuggestSize(SuggestAction):
    NAME = "action_suggest_size"
    INTENT = "size_query"
