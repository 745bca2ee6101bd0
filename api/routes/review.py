"""Supervisors' review queue: what went wrong, relabel it, export it as training data."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, StrictStr, conint
from typing_extensions import Annotated

from api.deps import ClockDep, CurrentUser, SessionDep, SupervisedShopDep
from bot.assist.export import reviewed_examples, to_yaml
from bot.assist.review import decide, queue, review_view

router = APIRouter(tags=["supervision"])
MessageId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


class EntitySpan(BaseModel):
    entity: StrictStr = Field(..., max_length=20)
    start: conint(strict=True, ge=0, le=2000)  # type: ignore[valid-type]
    end: conint(strict=True, ge=1, le=2000)  # type: ignore[valid-type]

    class Config:
        extra = "forbid"


class Verdict(BaseModel):
    action: StrictStr = Field(..., regex="^(confirm|relabel|dismiss)$")
    intent: Optional[StrictStr] = Field(None, max_length=40, description="for relabel")
    entities: Optional[List[EntitySpan]] = Field(
        None, max_items=20, description="the right entity spans; omit to keep the assistant's")

    class Config:
        extra = "forbid"


@router.get("/shops/{shop_id}/review", summary="Messages that probably went wrong (supervisors)")
def review_queue(shop_id: SupervisedShopDep, session: SessionDep,
                 reason: Optional[str] = Query(None, description="low_confidence, fallback, "
                                               "rejected, corrected or edited"),
                 intent: Optional[str] = Query(None, max_length=40),
                 since: Optional[dt.date] = None, until: Optional[dt.date] = None,
                 status: str = Query("open", pattern="^(open|reviewed|all)$"),
                 limit: int = Query(100, ge=1, le=500)) -> Dict[str, Any]:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime.combine(since, dt.time(), shanghai) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), shanghai) if until else None
    return queue(session, shop_id, reason, intent, start, end, status, limit)


@router.post("/shops/{shop_id}/review/{message_id}",
             summary="Confirm, relabel (intent and entities) or dismiss a queued message")
def review_message(body: Verdict, shop_id: SupervisedShopDep, message_id: MessageId,
                   session: SessionDep, user: CurrentUser, clock: ClockDep) -> Dict[str, Any]:
    entities = None if body.entities is None else [e.dict() for e in body.entities]
    review = decide(session, user, shop_id, message_id, body.action, body.intent, entities,
                    clock())
    return review_view(review)


@router.get("/shops/{shop_id}/review/export", response_class=PlainTextResponse,
            summary="This shop's reviewed messages as Rasa NLU training data (masked)")
def export(shop_id: SupervisedShopDep, session: SessionDep) -> PlainTextResponse:
    return PlainTextResponse(to_yaml(reviewed_examples(session, [shop_id])),
                             media_type="text/yaml; charset=utf-8")
