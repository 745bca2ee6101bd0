"""HMAC-SHA256 signatures: the webhook (both directions) and buyer ids signed by a
shop's site. Compared in constant time; a timestamp outside the window is refused."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

SIGNATURE_PREFIX = "sha256="
WEBHOOK_WINDOW_SECONDS = 300          # a signed request is good this long either side of now
BUYER_SIGNATURE_SECONDS = 24 * 3600   # a signed buyer id is good for a day


def new_secret() -> str:
    return secrets.token_hex(32)


def _hmac(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Shop-Signature`` of a body sent at ``timestamp`` (unix seconds)."""
    return SIGNATURE_PREFIX + _hmac(secret, f"{timestamp}.".encode() + body)


def webhook_problem(secret: str, timestamp: Optional[str], signature: Optional[str],
                    body: bytes, now: float) -> Optional[str]:
    """Why a signed request is refused, or None when it is good (replays are checked
    by the caller, against the signatures already seen)."""
    if not timestamp or not signature:
        return "missing X-Shop-Timestamp or X-Shop-Signature"
    if not timestamp.strip().isdigit():
        return "X-Shop-Timestamp must be unix seconds"
    sent = int(timestamp.strip())
    if abs(now - sent) > WEBHOOK_WINDOW_SECONDS:
        return (f"X-Shop-Timestamp is {int(now - sent)} s from the server's clock "
                f"(the window is {WEBHOOK_WINDOW_SECONDS} s)")
    if not hmac.compare_digest(sign(secret, sent, body), signature.strip()):
        return "the signature does not match the body (HMAC-SHA256 of '<timestamp>.' + body)"
    return None


def sign_buyer(site_secret: str, shop_id: str, buyer_id: str, timestamp: int) -> str:
    """What a shop's site puts in ``data-buyer-sig`` for a logged-in buyer."""
    return _hmac(site_secret, f"{shop_id}:{buyer_id}:{timestamp}".encode())


def buyer_problem(site_secret: str, shop_id: str, buyer_id: str, timestamp: int,
                  signature: str, now: float) -> Optional[str]:
    if not -60 <= now - timestamp <= BUYER_SIGNATURE_SECONDS:
        return "the buyer signature has expired (or is dated in the future)"
    if not hmac.compare_digest(sign_buyer(site_secret, shop_id, buyer_id, timestamp), signature):
        return "the buyer signature does not match"
    return None


def digest(value: str) -> str:
    """What is stored of a token or a signature: its sha256."""
    return hashlib.sha256(value.encode()).hexdigest()
