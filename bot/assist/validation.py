"""What a buyer message and an agent's text may be. Markup is text, never refused.

Buyer messages (``buyer_text``): every non-empty string up to
``MAX_MESSAGE_CHARS`` is stored exactly as sent — markup, emoji, invisible or
whitespace-only text, control characters — with one exception: characters no
database text column can hold (NUL, refused by PostgreSQL, and lone UTF-16
surrogates, which have no UTF-8 form) are stored as U+FFFD, on SQLite and
PostgreSQL alike. Only an empty string or one over the limit is refused: that
is a malformed request, not a message. The NLU reads a bounded view of the
stored text (``bot.nlu.parser.nlu_view``). Pages render every text escaped.

Agent texts (``clean_text``: replies, edits, reasons) are stripped, must not be
empty and have a length limit; markup is text there too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from bot.assist.errors import InvalidInput

MAX_CHARS = 2000  # an agent's reply: a chat bubble, not a letter
# A buyer message has no length limit of its own: the request body's (64 KB,
# api.http_guards.MAX_BODY_BYTES) is the only one, about 21,000 Chinese characters as
# UTF-8 JSON. This bound is never reached through the API; it guards other callers.
MAX_MESSAGE_CHARS = 65536
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def storable(text: str) -> str:
    """The text with NUL and lone surrogates replaced by U+FFFD (same length)."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def buyer_text(text: Optional[str], field: str = "text",
               max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """The buyer's text as it is stored, or InvalidInput for a malformed request."""
    if text is None:
        raise InvalidInput(f"{field} is missing")
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be a string")
    if not text:
        raise InvalidInput(f"{field} is empty")
    if len(text) > max_chars:
        raise InvalidInput(f"{field} is {len(text)} characters long; the limit is {max_chars}")
    return storable(text)


def clean_text(text: Optional[str], field: str = "text", max_chars: int = MAX_CHARS) -> str:
    """An agent's text stripped of surrounding space, or InvalidInput saying what is wrong."""
    if text is None:
        raise InvalidInput(f"{field} is missing")
    value = text.strip()
    if not value:
        raise InvalidInput(f"{field} is empty")
    if len(value) > max_chars:
        raise InvalidInput(f"{field} is {len(value)} characters long; the limit is {max_chars}")
    for i, ch in enumerate(value):
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc":
            raise InvalidInput(f"{field} contains a control character (U+{ord(ch):04X} "
                               f"at position {i})")
    return storable(value)
