"""What the channels record: each shop's channel settings, the outbox of replies to
deliver to a shop's webhook, the signatures already seen (replays), and the buyer chat
window's sessions. Same database and migrations as the rest of the service."""

from __future__ import annotations

import enum

from sqlalchemy import Column, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import backref, relationship

from bot.store.models import Base
from bot.store.service_models import utcnow
from bot.store.types import UTCDateTime


class ShopChannel(Base):
    """A shop's channel settings. The secrets are kept as given: an HMAC needs them."""

    __tablename__ = "shop_channels"
    shop_id = Column(String(32), ForeignKey("shops.id"), primary_key=True)
    webhook_url = Column(String(500))                  # outbound replies; None: none are sent
    webhook_secret = Column(String(64), nullable=False)  # signs the webhook, both directions
    site_secret = Column(String(64), nullable=False)     # signs buyer ids for the chat window
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class DeliveryState(str, enum.Enum):
    pending = "pending"        # waiting to be sent (again)
    delivered = "delivered"    # the shop's URL answered 2xx
    failed = "failed"          # gave up after the last try; an agent may send it again


class Delivery(Base):
    """One reply to hand to the shop's webhook: written with the reply, drained by the
    delivery worker of any process (lease by compare-and-set on ``lease_until``)."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "state", "next_attempt_at"),
                      Index("ix_deliveries_conversation", "conversation_id", "id"))
    id = Column(Integer, primary_key=True)
    reply_id = Column(Integer, ForeignKey("replies.id"), nullable=False, unique=True)
    shop_id = Column(String(32), nullable=False, index=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id"), nullable=False)
    idempotency_key = Column(String(64), nullable=False, unique=True)
    state = Column(Enum(DeliveryState, native_enum=False, length=16), nullable=False,
                   default=DeliveryState.pending)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    lease_until = Column(UTCDateTime())       # a worker is sending it until then
    last_status = Column(Integer)             # the receiver's HTTP status, if it answered
    last_error = Column(Text)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    delivered_at = Column(UTCDateTime())
    reply = relationship("Reply", backref=backref("delivery", uselist=False))


class WebhookNonce(Base):
    """A signature already accepted: the same signed request again is a replay (401)."""

    __tablename__ = "webhook_nonces"
    id = Column(Integer, primary_key=True)
    signature_hash = Column(String(64), nullable=False, unique=True)
    shop_id = Column(String(32), nullable=False)
    expires_at = Column(UTCDateTime(), nullable=False, index=True)


class ChatSession(Base):
    """A buyer chat window's session: its token opens one conversation of one shop."""

    __tablename__ = "chat_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)  # sha256 of the token
    shop_id = Column(String(32), nullable=False)
    conversation_external_id = Column(String(64), nullable=False)
    buyer_id = Column(String(64))     # a buyer id the shop's site signed
    visitor_id = Column(String(64))   # an anonymous visitor
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime(), nullable=False)
