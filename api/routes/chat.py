"""The buyer chat window's public endpoints (docs/channels.md): a session, the buyer's
messages in, their own history and a live stream of the replies sent to them.

No agent token here: a chat token opens one conversation of one shop. Every endpoint
is limited per visitor and per IP (429 with Retry-After) and answers only with what
the buyer wrote and what was sent to them — never suggestions, intents or other
buyers' data.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from typing_extensions import Annotated

from api.channel_schemas import ChatHistory, ChatMessageIn, ChatPosted, ChatSessionIn, ChatSessionOut
from api.deps import (
    AssistantDep,
    BroadcasterDep,
    ClockDep,
    RateLimiterDep,
    SessionDep,
    ShopId,
    bearer,
    client_ip,
)
from api.routes.messages import announce
from bot.assist.ingest import ingest
from bot.channels.chat import (
    authenticate,
    history,
    open_session,
    public_message,
    public_reply,
    reply_number,
    session_view,
)
from bot.channels.signing import digest
from bot.store.channel_models import ChatSession

router = APIRouter(prefix="/chat", tags=["chat window (public)"])
Authorization = Annotated[Optional[str], Header(description="Bearer <chat token>")]


def _chat(request: Request, session: SessionDep, shop_id: str, authorization: Optional[str],
          clock: ClockDep, limits: RateLimiterDep, what: str) -> ChatSession:
    settings = request.app.state.settings
    chat = authenticate(session, shop_id, bearer(authorization), clock())
    who = f"{shop_id}:{chat.conversation_external_id}"
    if what == "messages":
        limits.hit("chat messages", who, settings.chat_messages_per_visitor)
        limits.hit("chat messages from one address", client_ip(request),
                   settings.chat_messages_per_ip)
    else:
        limits.hit("chat reads", who, settings.chat_reads_per_visitor)
    return chat


@router.post("/{shop_id}/session", status_code=201, response_model=ChatSessionOut,
             summary="A chat token for an anonymous visitor, or for a buyer id the shop's "
                     "site signed",
             responses={401: {"description": "the buyer signature is wrong or expired"},
                        429: {"description": "too many sessions from this address"}})
def new_session(shop_id: ShopId, body: ChatSessionIn, request: Request, session: SessionDep,
                clock: ClockDep, limits: RateLimiterDep) -> ChatSessionOut:
    limits.hit("chat sessions", client_ip(request),
               request.app.state.settings.chat_sessions_per_ip)
    opened = open_session(session, shop_id, clock(), visitor_id=body.visitor_id,
                          buyer_id=body.buyer_id, buyer_ts=body.buyer_ts,
                          buyer_sig=body.buyer_sig)
    return ChatSessionOut(**session_view(opened))


@router.post("/{shop_id}/messages", status_code=201, response_model=ChatPosted,
             summary="The buyer's message (idempotent on client_message_id); the off-hours "
                     "auto-reply when the shop is closed",
             responses={200: {"description": "the same message was sent before"},
                        401: {"description": "no chat token, or not one of this shop"},
                        429: {"description": "too many messages (per visitor or address)"}})
def post_message(shop_id: ShopId, body: ChatMessageIn, request: Request, session: SessionDep,
                 clock: ClockDep, limits: RateLimiterDep, assistant: AssistantDep,
                 live: BroadcasterDep, authorization: Authorization = None) -> JSONResponse:
    chat = _chat(request, session, shop_id, authorization, clock, limits, "messages")
    result = ingest(session, assistant, shop_id, chat.conversation_external_id,
                    f"web-{digest(chat.conversation_external_id)[:12]}-{body.client_message_id}",
                    body.text, chat.buyer_id,
                    clock(), degraded=live.problem(), item_id=body.item_id, channel="web")
    announce(live, shop_id, result)  # the agents' console sees it live, suggestions and all
    out = {"message": public_message(result.message),
           "auto_reply": public_reply(result.auto_reply) if result.auto_reply else None,
           "duplicate": not result.created}
    return JSONResponse(out, status_code=201 if result.created else 200)


@router.get("/{shop_id}/messages", response_model=ChatHistory,
            summary="This buyer's messages and the replies sent to them, in order")
def get_messages(shop_id: ShopId, request: Request, session: SessionDep, clock: ClockDep,
                 limits: RateLimiterDep, authorization: Authorization = None,
                 after: Annotated[Optional[str], Query(
                     max_length=20, description="r-<n>: only replies newer than it")] = None
                 ) -> ChatHistory:
    chat = _chat(request, session, shop_id, authorization, clock, limits, "reads")
    return ChatHistory(**history(session, chat, reply_number(after)))


@router.get("/{shop_id}/stream", response_class=StreamingResponse,
            summary="Server-sent events: reply {id, text, at} for this buyer's conversation "
                    "(read it with fetch and the Authorization header)")
def stream(shop_id: ShopId, request: Request, session: SessionDep, clock: ClockDep,
           limits: RateLimiterDep, live: BroadcasterDep,
           authorization: Authorization = None) -> StreamingResponse:
    chat = _chat(request, session, shop_id, authorization, clock, limits, "reads")
    conversation = chat.conversation_external_id
    session.close()  # the stream may stay open for hours

    def reply_only(event: Dict[str, Any]) -> Optional[str]:
        """Replies sent in this buyer's conversation, as the buyer may see them."""
        if event.get("type") != "reply" or event.get("conversation_id") != conversation:
            return None
        public = {"id": f"r-{event['id']}", "text": event["text"], "at": event["sent_at"]}
        return f"event: reply\ndata: {json.dumps(public, ensure_ascii=False)}\n\n"

    return StreamingResponse(live.stream(shop_id, view=reply_only), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
