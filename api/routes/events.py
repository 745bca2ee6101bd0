"""Live updates for the agent console, as server-sent events.

A browser first trades its token (Authorization header) for a single-use ticket, then
opens ``GET .../events?ticket=…``; each event carries its id, and a stream opened with
``Last-Event-ID`` (or ``last_event_id``) first replays what came after it.
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from typing_extensions import Annotated

from api.deps import BroadcasterDep, ClockDep, CurrentUser, SessionDep, ShopDep, StreamShopDep
from bot.assist.tickets import TICKET_SECONDS, issue

router = APIRouter(tags=["live"])


class StreamTicketOut(BaseModel):
    ticket: str
    expires_in: int


@router.post("/shops/{shop_id}/events/ticket", status_code=201, response_model=StreamTicketOut,
             summary="A single-use ticket (30 s) that opens this shop's live stream")
def stream_ticket(shop_id: ShopDep, user: CurrentUser, session: SessionDep,
                  clock: ClockDep) -> StreamTicketOut:
    return StreamTicketOut(ticket=issue(session, user, shop_id, clock()),
                           expires_in=TICKET_SECONDS)


def _resume_from(query: Optional[int], header: Optional[str]) -> Optional[int]:
    if query is not None:
        return query
    if header and header.strip().isdigit():
        return int(header.strip())
    return None


@router.get("/shops/{shop_id}/events", response_class=StreamingResponse,
            summary="Server-sent events: message, reply, suggestion (each with its id); "
                    "opened with ?ticket= or the Authorization header")
def events(shop_id: StreamShopDep, live: BroadcasterDep, session: SessionDep,
           last_event_id: Annotated[Optional[int], Query(
               ge=0, le=2**62, description="replay the events after this id")] = None,
           last_event_id_header: Annotated[Optional[str], Header(
               alias="Last-Event-ID", max_length=20)] = None) -> StreamingResponse:
    session.close()  # the stream may stay open for hours: give the connection back now
    after = _resume_from(last_event_id, last_event_id_header)
    return StreamingResponse(live.stream(shop_id, after), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
