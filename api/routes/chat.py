"""The buyer chat window's public endpoints (docs/channels.md): a session, the buyer's
messages in, their own history and a live stream of the replies sent to them.

No agent token here: a chat token opens one conversation of one shop. Every endpoint
is limited per visitor and per IP (429 with Retry-After) and answers only with what
the buyer wrote and what was sent to them — never suggestions, intents or other
buyers' data.
"""

from __future__ import annotations

import json
from typing import AsyncIterator, Optional

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
from bot.assist.ingest import ingest
from bot.assist.views import message_view, reply_view
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
    if result.created:  # the agents' console sees it live, suggestions and all
        view = {"message": message_view(result.message),
                "auto_reply": reply_view(result.auto_reply) if result.auto_reply else None,
                "duplicate": False}
        live.publish(shop_id, "message", view)
        if result.auto_reply is not None:
            live.publish(shop_id, "reply", view["auto_reply"])
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

    async def replies() -> AsyncIterator[str]:
        async for chunk in live.stream(shop_id):
            if chunk.startswith(":"):  # connected, heartbeats
                yield chunk
                continue
            fields = dict(line.split(": ", 1) for line in chunk.strip().split("\n")
                          if ": " in line)
            if fields.get("event") == "ready":
                yield "event: ready\ndata: {}\n\n"
            if fields.get("event") != "reply":
                continue
            data = json.loads(fields.get("data") or "{}")
            if data.get("conversation_id") != conversation:
                continue
            public = {"id": f"r-{data['id']}", "text": data["text"], "at": data["sent_at"]}
            yield f"event: reply\ndata: {json.dumps(public, ensure_ascii=False)}\n\n"

    return StreamingResponse(replies(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
