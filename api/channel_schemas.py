"""Request and response bodies of the channels: the webhook and the buyer chat window."""

from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field, StrictStr, conint

from api.schemas import ID_PATTERN, IncomingMessage

CHAT_TEXT_CHARS = 2000


class HookMessage(IncomingMessage):
    conversation_id: StrictStr = Field(..., min_length=1, max_length=64, regex=ID_PATTERN,
                                       description="the chat system's conversation id")


class AutoReplyOut(BaseModel):
    reply_id: int
    text: str
    sent_at: str


class HookAccepted(BaseModel):
    message_id: int
    conversation_id: str
    duplicate: bool
    auto_reply: Optional[AutoReplyOut] = None


class ChatSessionIn(BaseModel):
    visitor_id: Optional[StrictStr] = Field(None, max_length=64,
                                            description="the id this browser was given before")
    buyer_id: Optional[StrictStr] = Field(None, min_length=1, max_length=64)
    buyer_ts: Optional[conint(strict=True, ge=0, le=2**40)] = None  # type: ignore[valid-type]
    buyer_sig: Optional[StrictStr] = Field(None, max_length=128)

    class Config:
        extra = "forbid"


class ChatSessionOut(BaseModel):
    token: str
    visitor_id: Optional[str]
    buyer_id: Optional[str]
    conversation_id: str
    expires_in: int
    shop_name: str


class ChatMessageIn(BaseModel):
    client_message_id: StrictStr = Field(..., min_length=1, max_length=40, regex=ID_PATTERN,
                                         description="the window's id for it; resending is safe")
    text: StrictStr = Field(..., max_length=CHAT_TEXT_CHARS)
    item_id: Optional[StrictStr] = Field(None, min_length=1, max_length=20, regex=r"^[0-9]+$")

    class Config:
        extra = "forbid"


class ChatItem(BaseModel):
    type: str = Field(..., description="buyer (their message) or shop (a reply sent to them)")
    id: str = Field(..., description="m-<n> for the buyer's, r-<n> for the shop's")
    text: str
    at: str


class ChatPosted(BaseModel):
    message: ChatItem
    auto_reply: Optional[ChatItem] = None
    duplicate: bool


class ChatHistory(BaseModel):
    conversation_id: str
    items: List[ChatItem]


class ReplyDelivery(BaseModel):
    """What the shop's webhook URL receives for each reply (signed like the inbound
    webhook; ``Idempotency-Key`` header = ``idempotency_key``)."""

    type: str = Field("reply", description="always reply")
    idempotency_key: str = Field(..., description="reply-<reply_id>: keep each once")
    reply_id: int
    shop_id: str
    conversation_id: str
    buyer_id: Optional[str]
    kind: str = Field(..., description="approved, edited, free_text or auto_offhours")
    text: str
    in_reply_to: Optional[str] = Field(None, description="the client_message_id it answers")
    sequence: int = Field(..., description="1, 2, 3 … within the conversation")
    sent_at: str
