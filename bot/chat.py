"""Talk to the assistant as a buyer of a demo shop: `python -m bot chat`.

Starts the action server, loads the trained model with Rasa's Agent, and for
each line typed shows the understood intent and the suggested replies an agent
would see (nothing is "sent": these are suggestions).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional, TextIO

from bot.processes import action_process, free_port


def format_reply(custom: Dict[str, Any]) -> str:
    if "error" in custom:
        return f"  ! {custom['error']}"
    lines = [f"  [{', '.join(custom.get('situations', []))}]"
             + (f" order {custom['order_id']}" if custom.get("order_id") else "")
             + ("  ⚠ supervisor" if custom.get("escalate") else "")]
    for i, s in enumerate(custom.get("suggestions", []), start=1):
        lines.append(f"  {i}. {s['text']}")
    return "\n".join(lines)


async def _loop(agent: Any, shop: str, buyer: Optional[str], now: Optional[str],
                stream: TextIO, out: TextIO) -> None:
    from rasa.core.channels import CollectingOutputChannel, UserMessage

    sender = f"cli-{shop}-{buyer or 'anonymous'}-{int(time.time())}"
    metadata = {"shop_id": shop, "buyer_id": buyer, "now": now}
    for line in stream:
        text = line.strip()
        if not text:
            continue
        channel = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, channel, sender, metadata=metadata))
        parse = await agent.parse_message(text)
        out.write(f"> {text}\n  intent {parse['intent']['name']} "
                  f"({parse['intent']['confidence']:.2f})\n")
        for message in channel.messages:
            if "custom" in message:
                out.write(format_reply(message["custom"]) + "\n")
        out.flush()


def chat(model: Path, shop: str, buyer: Optional[str], now: Optional[str],
         stream: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    logging.getLogger().setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)
    from rasa.utils.endpoints import EndpointConfig

    port = free_port()
    actions = action_process(port).start(timeout=120)
    try:
        agent = Agent.load(str(model), action_endpoint=EndpointConfig(
            f"http://127.0.0.1:{port}/webhook"))
        out.write(f"shop {shop}, buyer {buyer or '(anonymous)'}: type buyer messages, "
                  "Ctrl-D to quit\n")
        asyncio.run(_loop(agent, shop, buyer, now, stream, out))
    finally:
        actions.stop()
    return 0
