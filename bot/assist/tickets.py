"""Stream tickets: a browser's EventSource cannot send the Authorization header, and the
long-lived token must never be in a URL (URLs end up in access logs and histories). So the
console trades its token (in the header) for a ticket: random, valid for 30 seconds, for
one shop, good for one stream. Only the ticket's sha256 is stored."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Optional

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.assist.users import hash_token
from bot.store.service_models import StreamTicket, User, as_utc

TICKET_SECONDS = 30
KEEP_EXPIRED = dt.timedelta(minutes=10)


def issue(session: Session, user: User, shop_id: str, now: dt.datetime) -> str:
    """A new ticket for ``user``'s stream of ``shop_id`` (the caller checked the access);
    expired ones are cleared on the way."""
    now = as_utc(now)
    session.execute(delete(StreamTicket).where(StreamTicket.expires_at < now - KEEP_EXPIRED)
                    .execution_options(synchronize_session=False))
    ticket = secrets.token_urlsafe(32)
    session.add(StreamTicket(ticket_hash=hash_token(ticket), user_id=user.id, shop_id=shop_id,
                             expires_at=now + dt.timedelta(seconds=TICKET_SECONDS)))
    session.commit()
    return ticket


def redeem(session: Session, ticket: str, shop_id: str, now: dt.datetime) -> Optional[User]:
    """The active user a ticket was issued to, if it is for ``shop_id``, unused and not
    expired; it is used up by this call (decided by one conditional UPDATE, so two streams
    racing with the same ticket cannot both win)."""
    if not ticket:
        return None
    now = as_utc(now)
    digest = hash_token(ticket)
    won = session.execute(
        update(StreamTicket)
        .where(StreamTicket.ticket_hash == digest, StreamTicket.shop_id == shop_id,
               StreamTicket.used_at.is_(None), StreamTicket.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    session.commit()
    if won != 1:
        return None
    row = session.query(StreamTicket).filter_by(ticket_hash=digest).one()
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None
