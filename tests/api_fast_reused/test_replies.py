"""tests/api/test_replies.py against the fake NLU (see conftest.py)."""

from tests.api.test_replies import *  # noqa: F401,F403
