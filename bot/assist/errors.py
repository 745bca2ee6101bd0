"""Errors the service reports to its callers, each with an HTTP-like status and a reason."""

from __future__ import annotations

from typing import Any, Dict, Optional


class ServiceError(Exception):
    status = 400

    def __init__(self, reason: str, extra: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.extra = extra or {}


class InvalidInput(ServiceError):
    status = 422


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Unauthorized(ServiceError):
    status = 401


class TooManyRequests(ServiceError):
    """Past a public endpoint's limit; ``retry_after`` seconds until the window turns."""

    status = 429

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason, {"retry_after": retry_after})
        self.retry_after = retry_after
