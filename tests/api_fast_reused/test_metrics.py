"""tests/api/test_metrics.py against the fake NLU (see conftest.py)."""

from tests.api.test_metrics import *  # noqa: F401,F403
