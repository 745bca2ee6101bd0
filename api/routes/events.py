"""Live updates for the agent console, as server-sent events."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import BroadcasterDep, ShopDep

router = APIRouter(tags=["live"])


@router.get("/shops/{shop_id}/events", response_class=StreamingResponse,
            summary="Server-sent events: message, reply, suggestion (token may be a query parameter)")
async def events(shop_id: ShopDep, live: BroadcasterDep) -> StreamingResponse:
    return StreamingResponse(live.stream(shop_id), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
