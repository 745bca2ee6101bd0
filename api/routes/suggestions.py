"""An agent's decision on a suggestion: approve (optionally edited) or reject."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter
from fastapi import Path as PathParam
from typing_extensions import Annotated

from api.deps import BroadcasterDep, ClockDep, CurrentUser, SessionDep, ShopDep
from api.schemas import Approval, Rejection
from bot.assist.replies import approve, reject
from bot.assist.views import sent_view, suggestion_view

router = APIRouter(tags=["suggestions"])
SuggestionId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


@router.post("/shops/{shop_id}/suggestions/{suggestion_id}/approve", status_code=201,
             summary="Send the suggestion to the buyer, as is or edited",
             responses={409: {"description": "already decided (by whom), the message was already "
                                             "answered, or compliance warnings to confirm"},
                        422: {"description": "blocked by a compliance rule (reason given)"}})
def approve_suggestion(shop_id: ShopDep, suggestion_id: SuggestionId, session: SessionDep,
                       user: CurrentUser, clock: ClockDep, live: BroadcasterDep,
                       body: Optional[Approval] = None) -> Dict[str, Any]:
    text = body.text if body else None
    sent = approve(session, user, shop_id, suggestion_id, text, clock(),
                   confirmed=bool(body and body.confirm))
    view = sent_view(sent.reply, sent.settled_message_ids)
    live.publish(shop_id, "reply", view)
    return view


@router.post("/shops/{shop_id}/suggestions/{suggestion_id}/reject",
             summary="Reject the suggestion, optionally naming the intent it should have had "
                     "(the message stays open for a typed reply)",
             responses={409: {"description": "already decided, or the message was already "
                                             "answered, handled or skipped"}})
def reject_suggestion(shop_id: ShopDep, suggestion_id: SuggestionId, session: SessionDep,
                      user: CurrentUser, clock: ClockDep, live: BroadcasterDep,
                      body: Optional[Rejection] = None) -> Dict[str, Any]:
    body = body or Rejection()
    suggestion = reject(session, user, shop_id, suggestion_id, body.correct_intent, body.reason,
                        clock())
    view = suggestion_view(suggestion)
    live.publish(shop_id, "suggestion", view)
    return view
