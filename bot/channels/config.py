"""A shop's channel settings: the webhook URL and the two secrets."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy.orm import Session

from bot.assist.errors import NotFound
from bot.channels.signing import new_secret
from bot.store.channel_models import ShopChannel
from bot.store.models import Shop
from bot.store.service_models import utcnow

UNSET = object()


def channel_of(session: Session, shop_id: str) -> Optional[ShopChannel]:
    return session.get(ShopChannel, shop_id)


def configure(session: Session, shop_id: str, webhook_url: object = UNSET,
              rotate: bool = False, now: Optional[dt.datetime] = None) -> ShopChannel:
    """Create the shop's settings (new secrets) or change them: ``webhook_url`` (None
    turns outbound delivery off), ``rotate`` for new secrets. Commits."""
    if session.get(Shop, shop_id) is None:
        raise NotFound(f"unknown shop {shop_id!r}")
    channel = session.get(ShopChannel, shop_id)
    if channel is None:
        channel = ShopChannel(shop_id=shop_id, webhook_secret=new_secret(),
                              site_secret=new_secret())
        session.add(channel)
    elif rotate:
        channel.webhook_secret, channel.site_secret = new_secret(), new_secret()
    if webhook_url is not UNSET:
        channel.webhook_url = webhook_url or None
    channel.updated_at = now or utcnow()
    session.commit()
    return channel
