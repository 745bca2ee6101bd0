"""tests/api/test_auth.py against the fake NLU (see conftest.py)."""

from tests.api.test_auth import *  # noqa: F401,F403
