"""The shop's chat system in (docs/channels.md): buyer messages signed with the shop's
webhook secret. The signature is checked against the raw body before anything is
parsed or stored; replies to these conversations go back out through the outbox."""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRouter
from pydantic import ValidationError
from typing_extensions import Annotated

from api.channel_schemas import HookAccepted, HookMessage, ReplyDelivery
from api.deps import AssistantDep, BroadcasterDep, ClockDep, SessionDep, ShopId
from api.routes.messages import announce
from bot.assist.errors import InvalidInput
from bot.assist.ingest import ingest
from bot.channels.inbound import accept_signed

router = APIRouter(prefix="/hooks", tags=["webhook channel"])
outbound = APIRouter(tags=["webhook channel"])  # OpenAPI "webhooks": what the shop receives


@outbound.post("reply", summary="A reply to deliver: POSTed to the shop's webhook_url")
def reply_delivery(body: ReplyDelivery) -> None:
    """Signed with the shop's webhook secret (X-Shop-Timestamp, X-Shop-Signature); retried
    with exponential backoff until a 2xx answer, so the same Idempotency-Key may come
    more than once."""


async def raw_body(request: Request) -> bytes:
    return await request.body()


@router.post("/{shop_id}/messages", status_code=201, response_model=HookAccepted,
             summary="A buyer message from the shop's chat system, signed (X-Shop-Timestamp, "
                     "X-Shop-Signature: sha256=HMAC(webhook_secret, '<timestamp>.' + body))",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": HookMessage.schema()}}}},
             responses={200: {"description": "the same client_message_id came before"},
                        401: {"description": "missing, wrong, stale or replayed signature: "
                                             "nothing is stored"},
                        422: {"description": "signed, but not a valid message"}})
def hook_message(shop_id: ShopId, request: Request, session: SessionDep, clock: ClockDep,
                 assistant: AssistantDep, live: BroadcasterDep,
                 body: Annotated[bytes, Depends(raw_body)],
                 x_shop_timestamp: Annotated[Optional[str], Header(max_length=20)] = None,
                 x_shop_signature: Annotated[Optional[str], Header(max_length=100)] = None
                 ) -> JSONResponse:
    now = clock()
    accept_signed(session, shop_id, x_shop_timestamp, x_shop_signature, body, now)
    try:
        message = HookMessage.parse_raw(body)
    except ValidationError as e:
        raise InvalidInput("not a valid message", {"errors": e.errors()}) from None
    result = ingest(session, assistant, shop_id, message.conversation_id,
                    message.client_message_id, message.text, message.buyer_id, now,
                    degraded=live.problem(),
                    item_id=message.metadata.item_id if message.metadata else None,
                    channel="webhook")
    announce(live, shop_id, result)  # the agents' console sees it live, suggestions and all
    auto = result.auto_reply
    out = HookAccepted(message_id=result.message.id, conversation_id=message.conversation_id,
                       duplicate=not result.created,
                       auto_reply={"reply_id": auto.id, "text": auto.text,
                                   "sent_at": auto.created_at.isoformat()} if auto else None)
    return JSONResponse(out.dict(), status_code=201 if result.created else 200)
