"""Request bodies. Texts are checked by bot.assist.validation (one rule set for
every entry point); here only shape and size."""

from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field, StrictStr

from bot.assist.validation import MAX_MESSAGE_CHARS
from bot.nlu.parser import NLU_VIEW_CHARS

ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"


class MessageMetadata(BaseModel):
    item_id: Optional[StrictStr] = Field(None, min_length=1, max_length=20, regex=r"^[0-9]+$",
                                         description="the item (宝贝) number the buyer is "
                                                     "chatting from, as 千牛 shows it")

    class Config:
        extra = "forbid"


class IncomingMessage(BaseModel):
    client_message_id: StrictStr = Field(..., min_length=1, max_length=64, regex=ID_PATTERN,
                                   description="the chat system's id; resending it is safe")
    text: StrictStr = Field(..., max_length=MAX_MESSAGE_CHARS,
                            description="what the buyer wrote, stored as sent (markup is "
                                        "text; NUL is stored as U+FFFD); the NLU reads the "
                                        f"first {NLU_VIEW_CHARS} characters")
    buyer_id: Optional[StrictStr] = Field(None, min_length=1, max_length=64, regex=ID_PATTERN)
    metadata: Optional[MessageMetadata] = None

    class Config:
        extra = "forbid"


class Approval(BaseModel):
    text: Optional[StrictStr] = Field(None, max_length=20000,
                                      description="the edited text; omit to send the suggestion as is")
    confirm: bool = Field(False, description="send despite compliance warnings (not blocks)")

    class Config:
        extra = "forbid"


class Rejection(BaseModel):
    correct_intent: Optional[StrictStr] = Field(None, max_length=40,
                                          description="what the buyer actually meant")
    reason: Optional[StrictStr] = Field(None, max_length=500)

    class Config:
        extra = "forbid"


class FreeText(BaseModel):
    text: StrictStr = Field(..., max_length=20000)
    message_id: Optional[int] = Field(None, ge=1, le=2**31 - 1,
                                      description="the buyer message this answers (open, of "
                                                  "this conversation); omit for the latest "
                                                  "open one")
    confirm: bool = Field(False, description="send despite compliance warnings (not blocks) "
                                             "and although the same text was just sent")

    class Config:
        extra = "forbid"


class Settlement(BaseModel):
    note: Optional[StrictStr] = Field(None, max_length=200,
                                      description="why no reply is needed (kept with the message)")

    class Config:
        extra = "forbid"


class NewUser(BaseModel):
    name: StrictStr = Field(..., min_length=2, max_length=64, regex=r"^[A-Za-z0-9_.-]+$")
    role: StrictStr = Field(..., regex=r"^(agent|supervisor|admin)$")
    shops: List[str] = Field(default_factory=list, max_items=100)

    class Config:
        extra = "forbid"
