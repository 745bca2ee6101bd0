"""Suggestions for the conversational intents: greet, goodbye, affirm, deny,
human_handoff and nlu_fallback (what NLU predicted decides which)."""

from __future__ import annotations

from actions.base import SuggestAction


class ActionSuggestConversation(SuggestAction):
    def name(self) -> str:
        return "action_suggest_conversation"
