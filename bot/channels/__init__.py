"""Channels: how buyer messages arrive besides the agents' API (the buyer chat window,
a shop's signed webhook) and how replies leave (the buyer's window, the outbox)."""
