"""The buyer chat window's side of the service: sessions (anonymous visitors, or buyer
ids signed by the shop's site) and what a buyer may read — their own messages and the
replies sent to them, never suggestions, intents or anyone else's conversation."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.assist.errors import NotFound, Unauthorized
from bot.channels.config import channel_of, configure
from bot.channels.signing import buyer_problem, digest
from bot.store.channel_models import ChatSession
from bot.store.models import Shop
from bot.store.service_models import BuyerMessage, Conversation, Reply, as_utc

SESSION_HOURS = 24
VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,58}$")


@dataclass
class Opened:
    token: str
    chat: ChatSession
    shop_name: str


def _external_id(prefix: str, identity: str) -> str:
    """The conversation id the agents see: readable when it can be, hashed otherwise."""
    return prefix + (identity if _SAFE_ID.match(identity) else digest(identity)[:32])


def open_session(session: Session, shop_id: str, now: dt.datetime,
                 visitor_id: Optional[str] = None, buyer_id: Optional[str] = None,
                 buyer_ts: Optional[int] = None, buyer_sig: Optional[str] = None) -> Opened:
    """A new chat token. With ``buyer_id`` the signature must hold (401 otherwise); without
    it the visitor id is kept when well formed, or a new one is made. Commits."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(f"unknown shop {shop_id!r}")
    if buyer_id:
        channel = channel_of(session, shop_id) or configure(session, shop_id)
        problem = ("a signed buyer id needs buyer_ts and buyer_sig"
                   if buyer_ts is None or not buyer_sig else
                   buyer_problem(channel.site_secret, shop_id, buyer_id, buyer_ts, buyer_sig,
                                 as_utc(now).timestamp()))
        if problem:
            raise Unauthorized(problem)
        external, visitor = _external_id("web-b-", buyer_id), None
    else:
        visitor = visitor_id if visitor_id and VISITOR_ID.match(visitor_id) else \
            secrets.token_urlsafe(18)
        # the visitor id re-opens the chat, like a password: the conversation (which agents
        # see and logs name) carries a digest of it, never the id itself
        external = "web-v-" + digest(visitor)[:24]
    token = secrets.token_urlsafe(32)
    chat = ChatSession(token_hash=digest(token), shop_id=shop_id,
                       conversation_external_id=external, buyer_id=buyer_id or None,
                       visitor_id=visitor, created_at=as_utc(now),
                       expires_at=as_utc(now) + dt.timedelta(hours=SESSION_HOURS))
    session.add(chat)
    session.commit()
    return Opened(token, chat, shop.name)


def authenticate(session: Session, shop_id: str, token: Optional[str],
                 now: dt.datetime) -> ChatSession:
    if not token:
        raise Unauthorized("a chat token is needed (Authorization: Bearer <token> from "
                           "POST /api/chat/{shop}/session)")
    chat = session.execute(select(ChatSession).where(
        ChatSession.token_hash == digest(token))).scalar()
    if chat is None or chat.shop_id != shop_id or as_utc(chat.expires_at) <= as_utc(now):
        raise Unauthorized("the chat token is unknown, expired or for another shop")
    return chat


def session_view(opened: Opened) -> Dict[str, Any]:
    chat = opened.chat
    return {"token": opened.token, "visitor_id": chat.visitor_id, "buyer_id": chat.buyer_id,
            "conversation_id": chat.conversation_external_id,
            "expires_in": SESSION_HOURS * 3600, "shop_name": opened.shop_name}


def public_reply(reply: Reply) -> Dict[str, Any]:
    return {"type": "shop", "id": f"r-{reply.id}", "text": reply.text,
            "at": as_utc(reply.created_at).isoformat()}


def public_message(message: BuyerMessage) -> Dict[str, Any]:
    return {"type": "buyer", "id": f"m-{message.id}", "text": message.text,
            "at": as_utc(message.received_at).isoformat()}


def reply_number(cursor: Optional[str]) -> int:
    """``after=r-57`` (or ``57``): the newest reply the window already has."""
    text = (cursor or "").strip()
    text = text[2:] if text.startswith("r-") else text
    return int(text) if text.isdigit() and len(text) < 12 else 0


def history(session: Session, chat: ChatSession, after_reply: int = 0,
            limit: int = 200) -> Dict[str, Any]:
    """The buyer's messages and the replies sent to them, in order; ``after_reply``
    keeps only replies newer than that id (the buyer's own messages come whole).
    Ids are ``m-<n>`` (the buyer's) and ``r-<n>`` (the shop's): unique across both."""
    conversation = session.execute(select(Conversation).where(
        Conversation.shop_id == chat.shop_id,
        Conversation.external_id == chat.conversation_external_id)).scalar()
    if conversation is None:
        return {"conversation_id": chat.conversation_external_id, "items": []}
    messages = session.execute(select(BuyerMessage).where(
        BuyerMessage.conversation_id == conversation.id).order_by(BuyerMessage.id.desc())
        .limit(limit)).scalars().all()
    replies = session.execute(select(Reply).where(
        Reply.conversation_id == conversation.id, Reply.id > after_reply)
        .order_by(Reply.id.desc()).limit(limit)).scalars().all()
    items: List[Dict[str, Any]] = ([public_message(m) for m in messages]
                                   + [public_reply(r) for r in replies])
    items.sort(key=lambda i: (i["at"], i["type"] == "shop", int(i["id"][2:])))
    return {"conversation_id": chat.conversation_external_id, "items": items}
