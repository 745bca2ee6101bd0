"""Suggestions for invoice: see bot/suggest/rules.py for what they are built from."""

from __future__ import annotations

from actions.base import SuggestAction


class ActionSuggestInvoice(SuggestAction):
    NAME = "action_suggest_invoice"
    INTENT = "invoice"
