"""Suggestions for product_query: see bot/suggest/rules.py for what they are built from."""

from __future__ import annotations

from actions.base import SuggestAction


class ActionSuggestProduct(SuggestAction):
    NAME = "action_suggest_product"
    INTENT = "product_query"
