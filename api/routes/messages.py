"""Buyer messages in: POST one, get the suggestions (and the off-hours auto-reply)."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import AssistantDep, BroadcasterDep, ClockDep, ConversationId, SessionDep, ShopDep
from api.schemas import IncomingMessage
from bot.assist.ingest import Ingested, ingest
from bot.assist.live import Broadcaster
from bot.assist.views import message_view, reply_view

router = APIRouter(tags=["messages"])


def announce(live: Broadcaster, shop_id: str, result: Ingested) -> Dict[str, Any]:
    """The agents' view of an ingested message; a new one (and its auto-reply) goes out
    live to the shop's consoles, whichever channel it came in by."""
    view = {"message": message_view(result.message),
            "auto_reply": reply_view(result.auto_reply) if result.auto_reply else None,
            "duplicate": not result.created}
    if result.created:
        live.publish(shop_id, "message", view)
        if result.auto_reply is not None:
            live.publish(shop_id, "reply", view["auto_reply"])
    return view


@router.post("/shops/{shop_id}/conversations/{conversation_id}/messages", status_code=201,
             summary="Ingest a buyer message; returns the suggestions for the agent",
             responses={200: {"description": "the same message was sent before (idempotent)"},
                        409: {"description": "the message id was used for another message"},
                        413: {"description": "the request body is over 64 KB"},
                        422: {"description": "malformed: not JSON, wrong types, missing or "
                                             "empty text, or a buyer of another shop "
                                             "(any other text is accepted)"}})
def post_message(body: IncomingMessage, shop_id: ShopDep, conversation_id: ConversationId,
                       session: SessionDep, assistant: AssistantDep, clock: ClockDep,
                       live: BroadcasterDep) -> JSONResponse:
    """Runs whole on a worker thread (a sync route): the NLU, the action and the database
    writes never hold up the event loop."""
    result = ingest(session, assistant, shop_id, conversation_id, body.client_message_id,
                    body.text, body.buyer_id, clock(), degraded=live.problem(),
                    item_id=body.metadata.item_id if body.metadata else None)
    view = announce(live, shop_id, result)
    # the view is plain JSON already: skip FastAPI's generic encoder on the hot path
    return JSONResponse(view, status_code=201 if result.created else 200)
