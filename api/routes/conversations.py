"""Conversations of a shop: the list, one history, the buyer's orders, free-text replies."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from api.deps import BroadcasterDep, ClockDep, ConversationId, CurrentUser, SessionDep, ShopDep
from api.routes import message_actions
from api.schemas import FreeText
from bot.assist.replies import find_conversation, send_free_text
from bot.assist.views import conversation_summary, order_view, reply_view, sent_view, timeline
from bot.store.queries import buyer_orders
from bot.store.service_models import BuyerMessage, Conversation, MessageState

router = APIRouter(tags=["conversations"])
router.include_router(message_actions.router)  # …/messages/{id}/handled and /skip


@router.get("/shops/{shop_id}/conversations", summary="Conversations, most recent first")
def list_conversations(shop_id: ShopDep, session: SessionDep,
                       limit: int = Query(50, ge=1, le=200)) -> Dict[str, Any]:
    # each summary reads its messages, their suggestions and the replies: load them in
    # three queries for the page, not three per conversation
    rows = session.execute(select(Conversation).where(Conversation.shop_id == shop_id)
                           .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
                           .options(selectinload(Conversation.messages)
                                    .selectinload(BuyerMessage.suggestions),
                                    selectinload(Conversation.replies))
                           .limit(limit)).scalars().all()
    # the shop's totals, counted in SQL over every conversation (not only this page)
    waiting, open_messages = session.execute(
        select(func.count(func.distinct(BuyerMessage.conversation_id)), func.count())
        .where(BuyerMessage.shop_id == shop_id, BuyerMessage.state == MessageState.open)).one()
    return {"conversations": [conversation_summary(c) for c in rows],
            "waiting_buyers": waiting, "open_messages": open_messages}


@router.get("/shops/{shop_id}/conversations/{conversation_id}",
            summary="History: buyer messages with their suggestions, and every reply sent")
def get_conversation(shop_id: ShopDep, conversation_id: ConversationId,
                     session: SessionDep) -> Dict[str, Any]:
    conversation = find_conversation(session, shop_id, conversation_id)
    return {**conversation_summary(conversation), "timeline": timeline(conversation)}


@router.post("/shops/{shop_id}/conversations/{conversation_id}/read",
             summary="Mark the conversation read")
def mark_read(shop_id: ShopDep, conversation_id: ConversationId,
              session: SessionDep) -> Dict[str, Any]:
    conversation = find_conversation(session, shop_id, conversation_id)
    conversation.unread = 0
    session.commit()
    return conversation_summary(conversation)


@router.get("/shops/{shop_id}/conversations/{conversation_id}/replies",
            summary="Replies delivered to the buyer (what the chat system sends out)")
def list_replies(shop_id: ShopDep, conversation_id: ConversationId,
                 session: SessionDep) -> Dict[str, Any]:
    conversation = find_conversation(session, shop_id, conversation_id)
    return {"replies": [reply_view(r) for r in conversation.replies]}


@router.post("/shops/{shop_id}/conversations/{conversation_id}/replies", status_code=201,
             summary="Send a reply the agent wrote (no suggestion); it answers message_id, "
                     "or the latest open message, and settles every open message up to it",
             responses={409: {"description": "message_id is not an open message of this "
                                             "conversation (who settled it is given), or a "
                                             "confirm is needed: compliance warnings, or the "
                                             "same text was sent in the last 120 s "
                                             "(needs_confirm, duplicate_of)"},
                        422: {"description": "empty, too long, or blocked by a compliance rule"}})
def post_reply(body: FreeText, shop_id: ShopDep, conversation_id: ConversationId,
               session: SessionDep, user: CurrentUser, clock: ClockDep,
               live: BroadcasterDep) -> Dict[str, Any]:
    sent = send_free_text(session, user, shop_id, conversation_id, body.text, clock(),
                          confirmed=body.confirm, message_id=body.message_id)
    view = sent_view(sent.reply, sent.settled_message_ids)
    live.publish(shop_id, "reply", view)
    return view


@router.get("/shops/{shop_id}/conversations/{conversation_id}/orders",
            summary="The buyer's orders in this shop (phone and address masked)")
def conversation_orders(shop_id: ShopDep, conversation_id: ConversationId,
                        session: SessionDep) -> Dict[str, Any]:
    conversation = find_conversation(session, shop_id, conversation_id)
    if not conversation.buyer_id:
        return {"buyer_id": None, "orders": []}
    orders = buyer_orders(session, shop_id, conversation.buyer_id)
    return {"buyer_id": conversation.buyer_id, "orders": [order_view(o) for o in orders]}
