"""Supervisors' view of what went out: every reply, who sent it, and how it was edited."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.deps import SessionDep, SupervisedShopDep
from bot.assist.views import reply_view
from bot.store.service_models import Conversation, Reply, ReplyKind

router = APIRouter(tags=["supervision"])


@router.get("/shops/{shop_id}/audit/replies", summary="Sent replies, newest first (supervisors)")
def audit_replies(shop_id: SupervisedShopDep, session: SessionDep,
                  kind: Optional[ReplyKind] = None,
                  limit: int = Query(100, ge=1, le=500)) -> Dict[str, Any]:
    query = select(Reply).join(Conversation).where(Conversation.shop_id == shop_id)
    if kind is not None:
        query = query.where(Reply.kind == kind)
    rows = session.execute(query.order_by(Reply.id.desc()).limit(limit)).scalars().all()
    return {"replies": [reply_view(r, masked=True) for r in rows]}
