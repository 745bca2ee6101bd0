"""Where the replies to the shop's chat system are: the outbox, per reply."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from sqlalchemy import select
from typing_extensions import Annotated

from api.deps import BroadcasterDep, SessionDep, ShopDep
from bot.channels import outbox
from bot.store.channel_models import Delivery, DeliveryState

router = APIRouter(tags=["deliveries"])
DeliveryId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


@router.get("/shops/{shop_id}/deliveries",
            summary="Replies handed to the shop's webhook: pending, delivered, failed")
def list_deliveries(shop_id: ShopDep, session: SessionDep,
                    state: Annotated[Optional[DeliveryState], Query()] = None,
                    limit: int = Query(100, ge=1, le=500)) -> Dict[str, Any]:
    query = select(Delivery).where(Delivery.shop_id == shop_id)
    if state is not None:
        query = query.where(Delivery.state == state)
    rows = session.execute(query.order_by(Delivery.id.desc()).limit(limit)).scalars().all()
    return {"counts": outbox.counts(session, shop_id),
            "deliveries": [{**outbox.delivery_view(d),
                            "conversation_id": d.reply.conversation.external_id} for d in rows]}


@router.post("/shops/{shop_id}/deliveries/{delivery_id}/retry",
             summary="Send a failed delivery again",
             responses={409: {"description": "it is not failed"}})
def retry_delivery(shop_id: ShopDep, delivery_id: DeliveryId, session: SessionDep,
                   live: BroadcasterDep) -> Dict[str, Any]:
    delivery = outbox.retry(session, shop_id, delivery_id)
    view = outbox.delivery_view(delivery)
    live.publish(shop_id, "delivery",
                 {"conversation_id": delivery.reply.conversation.external_id, **view})
    return view
