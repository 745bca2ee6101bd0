"""The agent-assist service's core: ingest buyer messages, get suggestions from Rasa,
record what agents send. Framework-free; ``api/`` is the HTTP adapter over it."""
