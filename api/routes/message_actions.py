"""An agent settles one buyer message without replying: handled (dealt with elsewhere)
or skipped (nothing to answer). Answering is ``…/replies`` or approving a suggestion."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter
from fastapi import Path as PathParam
from typing_extensions import Annotated

from api.deps import BroadcasterDep, ClockDep, ConversationId, CurrentUser, SessionDep, ShopDep
from api.schemas import Settlement
from bot.assist.replies import settle_message
from bot.assist.views import message_view
from bot.store.service_models import MessageState

router = APIRouter(tags=["conversations"])
MessageId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
RESPONSES: Dict[int | str, Dict[str, Any]] = {
    404: {"description": "no such message in this conversation"},
    409: {"description": "the message is no longer open (who settled it, and how, is given)"}}


def _settle(state: MessageState, shop_id: str, conversation_id: str, message_id: int,
            session: SessionDep, user: CurrentUser, clock: ClockDep, live: BroadcasterDep,
            body: Optional[Settlement]) -> Dict[str, Any]:
    message = settle_message(session, user, shop_id, conversation_id, message_id, state,
                             body.note if body else None, clock())
    view = message_view(message)
    live.publish(shop_id, "message_settled", view)
    return view


@router.post("/shops/{shop_id}/conversations/{conversation_id}/messages/{message_id}/handled",
             summary="Mark an open message handled: no reply needed here", responses=RESPONSES)
def mark_handled(shop_id: ShopDep, conversation_id: ConversationId, message_id: MessageId,
                 session: SessionDep, user: CurrentUser, clock: ClockDep, live: BroadcasterDep,
                 body: Optional[Settlement] = None) -> Dict[str, Any]:
    return _settle(MessageState.handled, shop_id, conversation_id, message_id, session, user,
                   clock, live, body)


@router.post("/shops/{shop_id}/conversations/{conversation_id}/messages/{message_id}/skip",
             summary="Skip an open message: nothing to answer (noise, an emoji, ...)",
             responses=RESPONSES)
def mark_skipped(shop_id: ShopDep, conversation_id: ConversationId, message_id: MessageId,
                 session: SessionDep, user: CurrentUser, clock: ClockDep, live: BroadcasterDep,
                 body: Optional[Settlement] = None) -> Dict[str, Any]:
    return _settle(MessageState.skipped, shop_id, conversation_id, message_id, session, user,
                   clock, live, body)
