"""What the agent-assist service records: users, conversations, buyer messages,
suggestions and every reply that went out (who approved it, the suggestion it
came from and the final text).

Kept beside the order store (same database, same migrations) so one backup holds
both, and so a supervisor's review can join messages to orders.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.store.models import Base
from bot.store.types import UTCDateTime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Times are stored in UTC: SQLite keeps no offset, so one zone everywhere."""
    return moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment.replace(
        tzinfo=dt.timezone.utc)


class Role(str, enum.Enum):
    agent = "agent"            # answers buyers of their shops
    supervisor = "supervisor"  # plus review, audit and metrics of their shops
    admin = "admin"            # every shop, and user management


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    role = Column(Enum(Role, native_enum=False, length=16), nullable=False)
    shops = Column(JSON, nullable=False, default=list)  # shop ids; admins see all
    token_hash = Column(String(64), nullable=False, unique=True)  # sha256 of the token
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("shop_id", "external_id"),)
    id = Column(Integer, primary_key=True)
    shop_id = Column(String(32), ForeignKey("shops.id"), nullable=False, index=True)
    external_id = Column(String(64), nullable=False)  # the chat system's conversation id
    buyer_id = Column(String(64))
    # where it came from and where its replies go: api (agents' token), web (the buyer
    # chat window), webhook (the shop's chat system: replies go out through the outbox)
    channel = Column(String(16), nullable=False, default="api", server_default="api")
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    last_message_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    unread = Column(Integer, nullable=False, default=0)
    messages = relationship("BuyerMessage", back_populates="conversation",
                            order_by="BuyerMessage.id")
    replies = relationship("Reply", back_populates="conversation", order_by="Reply.id")


class MessageState(str, enum.Enum):
    open = "open"            # waiting for an agent
    answered = "answered"    # settled by a reply (to it, or to a later message)
    handled = "handled"      # an agent marked it dealt with, no reply needed here
    skipped = "skipped"      # an agent skipped it (nothing to answer: noise, emoji, ...)


class BuyerMessage(Base):
    __tablename__ = "buyer_messages"
    __table_args__ = (UniqueConstraint("shop_id", "client_message_id"),
                      Index("ix_buyer_messages_conversation_state", "conversation_id", "state"),
                      Index("ix_buyer_messages_conversation_newest", "conversation_id", "id"))
    id = Column(Integer, primary_key=True)
    shop_id = Column(String(32), nullable=False, index=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id"), nullable=False, index=True)
    client_message_id = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    received_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    intent = Column(String(40))
    confidence = Column(Float)
    ranking = Column(JSON, nullable=False, default=list)   # [{"name", "confidence"}]
    entities = Column(JSON, nullable=False, default=list)
    tokens = Column(JSON, nullable=False, default=list)     # [{"text", "start", "end"}] (jieba)
    order_id = Column(String(32))
    escalate = Column(Boolean, nullable=False, default=False)
    degraded = Column(Boolean, nullable=False, default=False)
    degraded_reason = Column(Text)
    state = Column(Enum(MessageState, native_enum=False, length=16), nullable=False,
                   default=MessageState.open, server_default="open")
    settled_by = Column(String(64))       # the agent who answered, handled or skipped it
    settled_at = Column(UTCDateTime())
    settled_by_reply_id = Column(Integer)  # the reply that settled it (None: handled/skipped)
    settled_note = Column(String(200))     # the agent's note on handled/skipped
    # the conversation's state after this message (bot.dialogue.state); NULL before 0005
    slots = Column(JSON)
    # what the turn was understood as: sub-topic, carried context, item, mood (engine's)
    context = Column(JSON)
    conversation = relationship("Conversation", back_populates="messages")
    suggestions = relationship("Suggestion", back_populates="message", order_by="Suggestion.rank")


class SuggestionStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"   # sent as suggested
    edited = "edited"       # sent after the agent changed the text
    rejected = "rejected"
    superseded = "superseded"  # the message was answered otherwise (another suggestion, own words)


class Suggestion(Base):
    __tablename__ = "suggestions"
    id = Column(Integer, primary_key=True)
    message_id = Column(Integer, ForeignKey("buyer_messages.id"), nullable=False, index=True)
    rank = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    phrase_id = Column(String(64))
    intent = Column(String(40))
    label = Column(String(60))            # what it answers: 物流/fee
    score = Column(Float)
    status = Column(Enum(SuggestionStatus, native_enum=False, length=16), nullable=False,
                    default=SuggestionStatus.pending)
    decided_by = Column(String(64))
    decided_at = Column(UTCDateTime())
    correct_intent = Column(String(40))   # the agent's correction on reject
    reject_reason = Column(Text)
    message = relationship("BuyerMessage", back_populates="suggestions")


class ReplyKind(str, enum.Enum):
    approved = "approved"
    edited = "edited"
    free_text = "free_text"
    auto_offhours = "auto_offhours"   # the only kind sent without an agent


class Reply(Base):
    __tablename__ = "replies"
    __table_args__ = (UniqueConstraint("conversation_id", "offhours_window"),
                      # a suggestion is sent at most once; a message gets at most one agent answer
                      UniqueConstraint("suggestion_id", name="uq_replies_suggestion"),
                      UniqueConstraint("answers_message_id", name="uq_replies_answers_message"))
    id = Column(Integer, primary_key=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id"), nullable=False, index=True)
    message_id = Column(Integer, ForeignKey("buyer_messages.id"), index=True)
    suggestion_id = Column(Integer, ForeignKey("suggestions.id"))
    # the buyer message an agent's reply answers (None: auto-reply, or no message was open)
    answers_message_id = Column(Integer, ForeignKey("buyer_messages.id"))
    kind = Column(Enum(ReplyKind, native_enum=False, length=16), nullable=False)
    text = Column(Text, nullable=False)
    original_text = Column(Text)          # the suggestion as proposed
    edit_ratio = Column(Float)            # 0 = sent unchanged, 1 = entirely rewritten
    approved_by = Column(String(64))      # user name; None only for auto_offhours
    offhours_window = Column(String(16))  # closed period of an auto-reply (one per window)
    compliance = Column(JSON)             # warnings the agent confirmed before sending
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    conversation = relationship("Conversation", back_populates="replies")
    message = relationship("BuyerMessage", foreign_keys=[message_id])
    suggestion = relationship("Suggestion")


class LiveEvent(Base):
    """An event shown live to a shop's agents (message, reply, suggestion, ...): its id is
    the server-sent event id, so a stream that reconnects replays what it missed."""

    __tablename__ = "live_events"
    id = Column(Integer, primary_key=True)
    shop_id = Column(String(32), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    data = Column(JSON, nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class StreamTicket(Base):
    """A short-lived, single-use ticket that opens one live stream (EventSource cannot send
    the Authorization header, and the long-lived token must never be in a URL)."""

    __tablename__ = "stream_tickets"
    id = Column(Integer, primary_key=True)
    ticket_hash = Column(String(64), nullable=False, unique=True)  # sha256 of the ticket
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    shop_id = Column(String(32), nullable=False)
    expires_at = Column(UTCDateTime(), nullable=False)
    used_at = Column(UTCDateTime())


class ReviewStatus(str, enum.Enum):
    confirmed = "confirmed"     # the assistant's intent was right
    relabelled = "relabelled"   # the supervisor gave the right intent (and entities)
    dismissed = "dismissed"     # not useful for training (noise, private data, ...)


class Review(Base):
    """A supervisor's verdict on one buyer message from the review queue."""

    __tablename__ = "reviews"
    id = Column(Integer, primary_key=True)
    message_id = Column(Integer, ForeignKey("buyer_messages.id"), nullable=False, unique=True)
    shop_id = Column(String(32), nullable=False, index=True)
    status = Column(Enum(ReviewStatus, native_enum=False, length=16), nullable=False)
    intent = Column(String(40))          # the right intent (confirmed or relabelled)
    entities = Column(JSON, nullable=False, default=list)  # [{"entity", "start", "end", "value"}]
    reviewer = Column(String(64), nullable=False)
    reviewed_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    message = relationship("BuyerMessage")


class ModelStatus(str, enum.Enum):
    training = "training"
    evaluating = "evaluating"
    ready = "ready"            # trained and evaluated: waiting for a supervisor's decision
    active = "active"          # the model the service answers with
    retired = "retired"        # was active, replaced by a newer one
    rejected = "rejected"      # the supervisor kept the current model
    failed = "failed"


class ModelVersion(Base):
    """A trained model: a candidate from the review loop, or the one in use."""

    __tablename__ = "model_versions"
    id = Column(Integer, primary_key=True)
    path = Column(String(500), nullable=False)
    status = Column(Enum(ModelStatus, native_enum=False, length=16), nullable=False)
    progress = Column(Text)              # what the training job is doing now
    report = Column(JSON)                # before/after evaluation on the held-out set
    examples_added = Column(Integer, nullable=False, default=0)
    requested_by = Column(String(64))
    decided_by = Column(String(64))
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    decided_at = Column(UTCDateTime())
