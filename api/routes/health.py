"""/healthz: the state of the model, Redis and the database (a sync route: its checks
never hold up the event loop, and a busy database does not stall other requests)."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.assist.assistant import probe_redis
from bot.store.runtime import sessions

router = APIRouter(tags=["health"])


def _database() -> str:
    try:
        with sessions()() as session:
            session.execute(text("SELECT 1"))
        return "ok"
    except Exception as e:  # any driver error means "not usable"
        return f"unreachable ({type(e).__name__})"


@router.get("/healthz", summary="State of each part the service needs")
def healthz(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    assistant = getattr(request.app.state, "assistant", None)
    checks: Dict[str, Any] = {
        "rasa": "ok" if assistant is not None else "model not loaded",
        "redis": probe_redis(settings.redis_url),
        "database": _database(),
    }
    healthy = checks["rasa"] == "ok" and checks["database"] == "ok"
    degraded = any(v != "ok" for k, v in checks.items()
                   if k == "redis" and not str(v).startswith("not configured"))
    status = "down" if not healthy else ("degraded" if degraded else "ok")
    live = request.app.state.broadcaster
    body = {"status": status, "checks": checks,
            "stores": assistant.describe() if assistant else None,
            "live_updates": live.problem() or ("through Redis" if settings.redis_url
                                               else "this process only (REDIS_URL not set)")}
    return JSONResponse(body, status_code=200 if healthy else 503)
