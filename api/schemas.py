"""Request bodies. Texts are checked by bot.assist.validation (one rule set for
every entry point); here only shape and size."""

from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field, StrictStr

ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"


class IncomingMessage(BaseModel):
    client_message_id: StrictStr = Field(..., min_length=1, max_length=64, regex=ID_PATTERN,
                                   description="the chat system's id; resending it is safe")
    text: StrictStr = Field(..., max_length=20000, description="what the buyer wrote (≤ 2000 characters)")
    buyer_id: Optional[StrictStr] = Field(None, min_length=1, max_length=64, regex=ID_PATTERN)

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
    confirm: bool = Field(False, description="send despite compliance warnings (not blocks)")

    class Config:
        extra = "forbid"


class NewUser(BaseModel):
    name: StrictStr = Field(..., min_length=2, max_length=64, regex=r"^[A-Za-z0-9_.-]+$")
    role: StrictStr = Field(..., regex=r"^(agent|supervisor|admin)$")
    shops: List[str] = Field(default_factory=list, max_items=100)

    class Config:
        extra = "forbid"
