"""The agent-assist service: assembles settings, the assistant (Rasa NLU and the custom
actions, in process), the live updates and the routes."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Optional

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError

from api.deps import get_assistant
from api.http_guards import BodyLimit, NoTokenInUrl, SecurityHeaders
from api.log_redaction import install_secret_redaction
from api.routes import (
    audit,
    chat,
    conversations,
    deliveries,
    events,
    health,
    hooks,
    messages,
    metrics,
    models,
    pages,
    review,
    suggestions,
    users,
)
from api.settings import Settings, get_settings
from bot.assist.assistant import Assistant
from bot.assist.errors import ServiceError
from bot.assist.live import Broadcaster
from bot.assist.retrain import active_model
from bot.channels.deliverer import Deliverer
from bot.channels.outbox import RetryPolicy
from bot.channels.ratelimit import RateLimiter
from bot.privacy import install_log_masking, route_structlog
from bot.store import runtime

logger = logging.getLogger("api")
API_PREFIX = "/api"


async def watch_active_model(assistant: Assistant, settings: Settings) -> None:
    """Follow the model a supervisor activated (in any process), without dropping turns."""
    while True:
        await asyncio.sleep(settings.model_poll_seconds)
        try:
            wanted = await asyncio.to_thread(_wanted_model, settings)
            if wanted != assistant.model_path:
                await assistant.swap(wanted)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a bad candidate file must not stop the service
            logger.error("could not switch models: %s", e)


def _wanted_model(settings: Settings) -> Any:
    with runtime.sessions()() as session:
        return active_model(session, settings.model_path)


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_log_masking()
        install_secret_redaction()  # after uvicorn set up its loggers: its access log too
        route_structlog(logging.getLevelName(settings.log_level.upper())
                        if settings.log_level.upper() != "DEBUG" else logging.INFO)
        if settings.database_url:
            os.environ["DATABASE_URL"] = settings.database_url
        runtime.reset()
        # migrate (and, on the embedded default, load the demo shops), then find the model
        model = await asyncio.to_thread(_wanted_model, settings)
        watcher = None
        if get_assistant not in app.dependency_overrides:  # tests may bring their own
            app.state.assistant = await Assistant.load(model)
            watcher = asyncio.get_running_loop().create_task(
                watch_active_model(app.state.assistant, settings))
        await app.state.broadcaster.start()
        deliverer = None
        if settings.delivery_worker:
            deliverer = Deliverer(RetryPolicy(settings.delivery_max_attempts,
                                              settings.delivery_backoff_seconds,
                                              settings.delivery_backoff_cap_seconds),
                                  poll_seconds=settings.delivery_poll_seconds,
                                  timeout_seconds=settings.delivery_timeout_seconds,
                                  publish=app.state.broadcaster.publish)
            deliverer.start()
        app.state.deliverer = deliverer
        if settings.redis_url and not await app.state.broadcaster.wait_subscribed(3.0):
            logger.warning("live updates: Redis at %s does not answer yet; this process's "
                           "agents only until it does", settings.redis_url)
        # Rasa and TensorFlow leave millions of long-lived objects: keep the garbage
        # collector's full passes from walking them again on every request burst.
        gc.collect()
        gc.freeze()
        yield
        if watcher is not None:
            watcher.cancel()
        await app.state.broadcaster.stop()
        if app.state.deliverer is not None:  # (tests may have replaced it)
            await asyncio.to_thread(app.state.deliverer.stop)
        app.state.assistant = None

    app = FastAPI(title="Shop reply assistant", version="0.4.0", lifespan=lifespan,
                  description="Suggestions for shop agents; nothing reaches a buyer without "
                              "an agent's approval, except the off-hours auto-reply.")
    app.state.settings = settings
    app.add_middleware(BodyLimit)  # 413 over 64 KB, before any parsing
    app.add_middleware(NoTokenInUrl)  # 401 for ?token= on every route, docs and files too
    app.add_middleware(SecurityHeaders)  # outermost: on every response, 413s included
    app.state.broadcaster = Broadcaster(settings.redis_url)
    app.state.rate_limiter = RateLimiter(settings.redis_url)
    app.state.assistant = None

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, error: ServiceError) -> JSONResponse:
        headers = {}
        if error.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if getattr(error, "retry_after", None) is not None:
            headers["Retry-After"] = str(error.retry_after)
        return JSONResponse({"detail": error.reason, **error.extra}, status_code=error.status,
                            headers=headers)

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, error: OperationalError) -> JSONResponse:
        logger.error("database unavailable: %s", error.orig)
        return JSONResponse({"detail": "the database is unavailable; try again shortly"},
                            status_code=503)

    app.include_router(health.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    for module in (messages, conversations, suggestions, events, users, audit, metrics, review,
                   models, deliveries, hooks, chat):
        app.include_router(module.router, prefix=API_PREFIX)
    app.webhooks.include_router(hooks.outbound)
    return app
