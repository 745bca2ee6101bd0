"""The web pages: agent console (/), supervisor review (/review), metrics (/dashboard),
and the buyers' chat window (/chat/{shop}).

Plain HTML and JavaScript in ``api/static``; they call the JSON API with the
user's token (kept in the browser's session storage). Chart.js comes from npm
(``node_modules``, installed by ``make setup``) and is served under /static/vendor.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from api.deps import ShopId

STATIC = Path(__file__).resolve().parents[1] / "static"
VENDOR = {"chart.umd.js": Path(__file__).resolve().parents[2] / "node_modules" / "chart.js" / "dist"
          / "chart.umd.js"}

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/")
async def console() -> FileResponse:
    return _page("console.html")


@router.get("/review")
async def review() -> FileResponse:
    return _page("review.html")


@router.get("/dashboard")
async def dashboard() -> FileResponse:
    return _page("dashboard.html")


@router.get("/chat/{shop_id}")
async def chat_window(shop_id: ShopId) -> FileResponse:
    """The buyer chat window (embeddable: see /static/widget.js and docs/channels.md)."""
    return _page("chat.html")


@router.get("/static/vendor/{name}")
async def vendor(name: str) -> FileResponse:
    path = VENDOR.get(name)
    if path is None or not path.exists():
        raise HTTPException(404, f"{name} is not installed (run: make setup, which runs npm ci)")
    return FileResponse(path, media_type="text/javascript")
