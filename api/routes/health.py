"""/healthz: the state of Rasa, the action server, Redis and the database."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.assist.assistant import probe_action_server, probe_redis
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
async def healthz(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    assistant = getattr(request.app.state, "assistant", None)
    checks: Dict[str, Any] = {
        "rasa": "ok" if assistant is not None else "model not loaded",
        "action_server": await probe_action_server(settings.action_server_url),
        "redis": probe_redis(settings.redis_url),
        "database": _database(),
    }
    healthy = checks["rasa"] == "ok" and checks["database"] == "ok"
    degraded = any(v != "ok" for k, v in checks.items()
                   if k in ("action_server", "redis") and not str(v).startswith("not configured"))
    status = "down" if not healthy else ("degraded" if degraded else "ok")
    body = {"status": status, "checks": checks,
            "stores": assistant.describe_stores() if assistant else None}
    return JSONResponse(body, status_code=200 if healthy else 503)
