"""tests/api/test_review.py against the fake NLU (see conftest.py)."""

from tests.api.test_review import *  # noqa: F401,F403
