"""A signed request from a shop's chat system: the signature must match the raw body
under the shop's webhook secret, be fresh, and not have been seen before. The
signature is recorded before anything else is stored, so a replay is refused even
while the first request is still being answered."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.assist.errors import NotFound, Unauthorized
from bot.channels.config import channel_of
from bot.channels.signing import WEBHOOK_WINDOW_SECONDS, digest, webhook_problem
from bot.store.channel_models import WebhookNonce
from bot.store.models import Shop

PRUNE_CHANCE = 0.02


def accept_signed(session: Session, shop_id: str, timestamp: str | None,
                  signature: str | None, body: bytes, now: dt.datetime) -> None:
    """Raise 401 (or 404 for an unknown shop) unless the request is signed, fresh and
    new; a good one's signature is kept until it could no longer be fresh. Commits."""
    if session.get(Shop, shop_id) is None:
        raise NotFound(f"unknown shop {shop_id!r}")
    channel = channel_of(session, shop_id)
    if channel is None:
        raise Unauthorized(f"shop {shop_id!r} has no webhook secret yet "
                           "(python -m api channels set SHOP)")
    problem = webhook_problem(channel.webhook_secret, timestamp, signature, body,
                              now.timestamp())
    if problem:
        raise Unauthorized(problem)
    session.add(WebhookNonce(signature_hash=digest(signature.strip()), shop_id=shop_id,
                             expires_at=now + dt.timedelta(seconds=2 * WEBHOOK_WINDOW_SECONDS)))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Unauthorized("this signature was used before (a replayed request); sign each "
                           "request, retries included, with a new timestamp") from None
    if random.random() < PRUNE_CHANCE:
        session.execute(delete(WebhookNonce).where(WebhookNonce.expires_at < now))
        session.commit()
