"""`python -m api run`: everything on embedded defaults (the README's run command).

  run        a local Redis unless REDIS_URL is set, demo users (local only), the API;
             an empty order store (a new DATABASE_URL database too) gets the demo shops
  serve      serve the API only, with the stores the settings name
  redis      make sure a Redis answers on localhost:6379 (for plain Rasa's endpoints.yml)
  users add NAME --role agent|supervisor|admin --shop SHOP...   prints the new token
  users token NAME                                              prints a fresh token
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from typing import List, Optional

from api.settings import Settings, get_settings
from bot.processes import ROOT, Process, local_redis

DEMO_USERS = (("admin", "admin", []), ("agent-wuhan", "agent", ["wuhan"]),
              ("agent-shanghai", "agent", ["shanghai"]),
              ("supervisor-wuhan", "supervisor", ["wuhan"]))


def configure_logging(level: str) -> None:
    from rasa.utils.log_utils import configure_structlog

    from api.log_redaction import install_secret_redaction
    from bot.privacy import install_log_masking

    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("rasa", "rasa_sdk", "tensorflow", "absl", "apscheduler", "sanic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)
    install_log_masking()
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):
        install_log_masking(logging.getLogger(name))
    install_secret_redaction()  # no token, ticket or cookie value in any line


def _use_database(settings: Settings) -> None:
    from bot.store import runtime

    if settings.database_url:
        os.environ["DATABASE_URL"] = settings.database_url
    runtime.reset()
    runtime.sessions()


def ensure_demo_shops(settings: Settings) -> None:
    """The demo users work in the demo shops: an empty (new) order store gets them,
    saying so in one line; a store with other shops only is left alone, with one line
    on what to run instead of a traceback."""
    from sqlalchemy.engine import make_url

    from bot.store.db import database_url
    from bot.store.demo import SHOPS, load_demo
    from bot.store.models import Shop
    from bot.store.runtime import sessions

    url = make_url(database_url()).render_as_string(hide_password=True)
    with sessions()() as session:
        shops = {shop_id for (shop_id,) in session.query(Shop.id)}
        if not shops:
            load_demo(session)
            session.commit()
            print(f"order store: {url} was empty: migrated and loaded the demo shops "
                  f"({', '.join(SHOPS)})")
            return
    missing = [s for s in SHOPS if s not in shops]
    if missing:
        raise SystemExit(
            f"the order store {url} has shops {', '.join(sorted(shops))} but not the demo shops "
            f"{', '.join(missing)}: run `python -m api serve` with users from `python -m api "
            "users add NAME --role agent --shop SHOP`, or point DATABASE_URL at an empty "
            "database for the demo")


def demo_tokens(settings: Settings) -> List[tuple]:
    """Fresh tokens for the demo users (created if missing). Local use only."""
    from bot.assist.users import create_user, rotate_token
    from bot.store.runtime import sessions
    from bot.store.service_models import User

    if settings.env != "local":
        raise SystemExit("demo users exist only with ENV=local; create users with "
                         "`python -m api users add`")
    out = []
    with sessions()() as session:
        for name, role, shops in DEMO_USERS:
            if session.query(User).filter_by(name=name).first() is None:
                _, token = create_user(session, name, role, shops)
            else:
                token = rotate_token(session, name)
            out.append((name, role, ",".join(shops) or "all shops", token))
        session.commit()
    return out


def start_redis(settings: Settings) -> Optional[Process]:
    """``run`` without REDIS_URL: the local Redis (started if none answers on 6379)."""
    if settings.redis_url:
        return None
    url, process, line = local_redis(log=ROOT / "var" / "redis.log")
    print(line)
    if url:
        settings.redis_url = url
        os.environ["REDIS_URL"] = url  # worker processes read their settings again
    return process


def serve(settings: Settings) -> None:
    import uvicorn

    from api.main import create_app

    live = (f"through Redis at {settings.redis_url}" if settings.redis_url
            else "this process only (no Redis)")
    print(f"live updates: {live}")
    from sqlalchemy.engine import make_url

    store = (make_url(settings.database_url).render_as_string(hide_password=True)
             if settings.database_url else "SQLite var/shop.db with the demo shops")
    print(f"order store: {store}")
    base = f"http://{settings.host}:{settings.port}"
    print(f"agent console:      {base}/\n"
          f"supervisor review:  {base}/review\n"
          f"metrics dashboard:  {base}/dashboard\n"
          f"buyer chat window:  {base}/chat/wuhan  (embed: docs/channels.md)\n"
          f"API docs:           {base}/docs  (health: /healthz)", flush=True)
    if settings.workers > 1:  # each worker loads the model; settings come from the environment
        uvicorn.run("api.main:create_app", factory=True, workers=settings.workers,
                    host=settings.host, port=settings.port,
                    log_level=settings.log_level.lower(), log_config=None,
                    timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS)
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_level=settings.log_level.lower(), log_config=None,
                    timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS)


# On SIGTERM, requests in flight get this long; open live streams are then closed, so the
# consoles reconnect to the next process (a stream never ends by itself).
SHUTDOWN_GRACE_SECONDS = 3


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="local Redis + demo users + API (local)")
    sub.add_parser("serve", help="the API only")
    sub.add_parser("redis", help="a Redis on localhost:6379, in the foreground (Ctrl-C stops it)")
    users = sub.add_parser("users", help="manage users").add_subparsers(dest="action", required=True)
    add = users.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["agent", "supervisor", "admin"])
    add.add_argument("--shop", action="append", default=[])
    users.add_parser("token").add_argument("name")
    channels = sub.add_parser("channels", help="a shop's webhook URL and channel secrets "
                                               "(docs/channels.md)").add_subparsers(
        dest="action", required=True)
    set_channel = channels.add_parser("set", help="create or change; prints the secrets")
    set_channel.add_argument("shop")
    set_channel.add_argument("--webhook-url", help="where replies are delivered ('' for none)")
    set_channel.add_argument("--rotate", action="store_true", help="new secrets")
    channels.add_parser("show", help="each shop's webhook URL and delivery counts")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "redis":
        return _redis()
    configure_logging(settings.log_level)
    _use_database(settings)
    if args.command == "users":
        return _users(args)
    if args.command == "channels":
        return _channels(args)
    if args.command == "run":
        ensure_demo_shops(settings)
    redis = start_redis(settings) if args.command == "run" else None
    # uvicorn re-raises the SIGTERM it caught once it has shut down: exit through
    # ``finally`` then, so the Redis started here stops too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        if args.command == "run":
            print("demo users (tokens are new at every start):")
            for name, role, shops, token in demo_tokens(settings):
                print(f"  {name:17} {role:10} {shops:10} {token}")
        serve(settings)
    finally:
        if redis is not None:
            redis.stop()
    return 0


def _redis() -> int:
    url, process, line = local_redis()
    print(line, flush=True)
    if process is None:
        return 0 if url else 2
    try:
        assert process.proc is not None
        process.proc.wait()
    except KeyboardInterrupt:
        process.stop()
    return 0


def _channels(args: argparse.Namespace) -> int:
    from bot.channels import outbox
    from bot.channels.config import UNSET, configure
    from bot.store.channel_models import ShopChannel
    from bot.store.runtime import sessions

    with sessions()() as session:
        if args.action == "set":
            url = UNSET if args.webhook_url is None else args.webhook_url
            channel = configure(session, args.shop, webhook_url=url, rotate=args.rotate)
            print(f"shop {channel.shop_id}: webhook_url {channel.webhook_url or '(none)'}\n"
                  f"  webhook_secret {channel.webhook_secret}\n"
                  f"  site_secret    {channel.site_secret}")
            return 0
        for channel in session.query(ShopChannel).order_by(ShopChannel.shop_id):
            print(f"{channel.shop_id:10} {channel.webhook_url or '(no webhook)':40} "
                  f"{outbox.counts(session, channel.shop_id)}")
    return 0


def _users(args: argparse.Namespace) -> int:
    from bot.assist.errors import ServiceError
    from bot.assist.users import create_user, rotate_token
    from bot.store.runtime import sessions

    with sessions()() as session:
        try:
            if args.action == "add":
                _, token = create_user(session, args.name, args.role, args.shop)
            else:
                token = rotate_token(session, args.name)
        except ServiceError as e:
            print(f"error: {e.reason}", file=sys.stderr)
            return 2
        session.commit()
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
