"""Talk to the assistant as a buyer of a demo shop: `python -m bot chat`.

Each line typed goes the service's one path (``bot.assist.ingest``): stored in the
order store as a conversation of its own, understood, answered in the
conversation's state by the custom actions in this process. It shows the intent
and the suggestions an agent would see, and the off-hours auto-reply when there is
one (nothing else is "sent": these are suggestions). The conversation also shows in
the agent console of `make run` on the same order store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Optional, TextIO


def format_reply(custom: Dict[str, Any]) -> str:
    if "error" in custom:
        return f"  ! {custom['error']}"
    head = (f"  [{', '.join(custom['situations'])}]" if custom.get("situations") else " ")
    lines = [head + (f" order {custom['order_id']}" if custom.get("order_id") else "")
             + ("  ⚠ supervisor" if custom.get("escalate") else "")]
    for i, s in enumerate(custom.get("suggestions", []), start=1):
        lines.append(f"  {i}. {s['text']}")
    return "\n".join(lines)


def _clock(now: Optional[str]) -> dt.datetime:
    from bot.suggest.context import turn_time

    return turn_time(now) if now else dt.datetime.now(dt.timezone.utc)


def converse(assistant: Any, shop: str, buyer: Optional[str], now: Optional[str],
             stream: TextIO, out: TextIO) -> None:
    from bot.assist.ingest import ingest
    from bot.store.runtime import sessions

    conversation = f"cli-{buyer or 'anonymous'}-{int(time.time())}"
    for line in stream:
        text = line.strip()
        if not text:
            continue
        with sessions()() as session:
            result = ingest(session, assistant, shop, conversation, uuid.uuid4().hex, text,
                            buyer, _clock(now))
            message = result.message
            custom = {"situations": [], "order_id": message.order_id,
                      "escalate": message.escalate,
                      "suggestions": [{"text": s.text} for s in message.suggestions]}
            if message.degraded_reason and not message.suggestions:
                custom["error"] = message.degraded_reason
            out.write(f"> {text}\n  intent {message.intent} ({message.confidence:.2f})\n")
            out.write(format_reply(custom) + "\n")
            if result.auto_reply is not None:
                out.write(f"  (auto-reply sent) {result.auto_reply.text}\n")
        out.flush()


def chat(model: Path, shop: str, buyer: Optional[str], now: Optional[str],
         stream: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    from rasa.utils.log_utils import configure_structlog

    from bot.assist.assistant import Assistant

    logging.getLogger().setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)
    assistant = asyncio.run(Assistant.load(model))
    out.write(f"shop {shop}, buyer {buyer or '(anonymous)'}: type buyer messages, "
              "Ctrl-D to quit\n")
    converse(assistant, shop, buyer, now, stream, out)
    return 0
