"""Suggestions for shipping_query: see bot/suggest/rules/ for what they are built from."""

from __future__ import annotations

from actions.base import SuggestAction


class ActionSuggestShipping(SuggestAction):
    def name(self) -> str:
        return "action_suggest_shipping"
