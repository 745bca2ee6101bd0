"""One turn of a conversation: routes, the conversation state, the turn itself."""
